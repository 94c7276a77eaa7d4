package openaitest

import (
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"time"
)

// generatedEpoch is the creation time of the first generated key
// (2024-01-01T00:00:00Z), fixed so generated data never depends on the date.
const generatedEpoch int64 = 1704067200

const day int64 = 24 * 60 * 60

var (
	firstNames = []string{"Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Frances", "Søren", "Zoë"}
	lastNames  = []string{"Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson", "Allen", "Kierkegaard", "Nakamura"}
	keyPrefix  = []string{"terraform-ci", "billing-export", "audit", "rotation", "ops", "analytics", "data-sync", "backup"}
	roles      = []string{"owner", "member", "reader"}
	// residencies are some of the regions the schema names.
	residencies = []string{"GLOBAL", "US_STORAGE_PROCESSING", "EU_STORAGE_PROCESSING", "JP_STORAGE", "CA_STORAGE"}
)

// mix64 is the splitmix64 finaliser: a bijection on uint64, so distinct
// inputs give distinct, unsorted-looking IDs.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

func hexID(prefix string, x uint64) string {
	const width = 16
	b := make([]byte, 0, len(prefix)+width)
	b = append(b, prefix...)
	for shift := 60; shift >= 0; shift -= 4 {
		b = append(b, hexDigits[(x>>uint(shift))&0xf])
	}
	return string(b)
}

func hexTail(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = hexDigits[r.IntN(16)]
	}
	return string(b)
}

// GenerateAdminKeys returns n admin keys, the same for the same seed, in
// strictly increasing created_at order from 2024-01-01. IDs are unique but
// deliberately not sorted. The mix, by index i:
//   - i%3 == 2: owned by a service account, else by a user; roles vary;
//   - i%7 == 6: name is nil; otherwise i%11 == 3: a non-ASCII name;
//   - i%5 == 4: never used (LastUsedAt nil);
//   - i%2 == 0: never expires (ExpiresAt nil).
func GenerateAdminKeys(n int, seed int64) []AdminKey {
	if n <= 0 {
		return []AdminKey{}
	}
	r := rand.New(rand.NewPCG(uint64(seed), 0x6f70656e61696b65))
	salt := mix64(uint64(seed) ^ 0x61646d696e6b6579)
	users := makeOwners(r, "user", max(1, n/20))
	sas := makeOwners(r, "service_account", max(1, n/40))
	keys := make([]AdminKey, n)
	created := generatedEpoch
	for i := range keys {
		created += 1 + r.Int64N(600)
		k := &keys[i]
		k.ID = hexID("key_", mix64(uint64(i)+salt))
		k.CreatedAt = created
		k.RedactedValue = "sk-admin..." + hexTail(r, 4)
		if i%3 == 2 {
			k.Owner = sas[r.IntN(len(sas))]
		} else {
			k.Owner = users[r.IntN(len(users))]
		}
		switch {
		case i%7 == 6:
		case i%11 == 3:
			k.Name = ptr("clé-prod-日本-" + strconv.Itoa(i))
		default:
			k.Name = ptr(keyPrefix[r.IntN(len(keyPrefix))] + "-" + strconv.Itoa(i))
		}
		if i%5 != 4 {
			k.LastUsedAt = ptr(created + r.Int64N(180*day))
		}
		if i%2 != 0 {
			k.ExpiresAt = ptr(created + (30+r.Int64N(336))*day)
		}
	}
	return keys
}

// makeOwners builds a pool of owners that keys share, as real organisations do.
func makeOwners(r *rand.Rand, typ string, n int) []Owner {
	out := make([]Owner, n)
	for j := range out {
		o := &out[j]
		o.Type = typ
		o.Role = roles[r.IntN(len(roles))]
		o.CreatedAt = generatedEpoch - (1+r.Int64N(700))*day
		if typ == "user" {
			o.Object = "organization.user"
			o.ID = hexID("user_", r.Uint64())
			o.Name = ptr(firstNames[j%len(firstNames)] + " " + lastNames[(j/len(firstNames)+j)%len(lastNames)])
		} else {
			o.Object = "organization.service_account"
			o.ID = hexID("sa_", r.Uint64())
			o.Name = ptr("svc-" + keyPrefix[j%len(keyPrefix)] + "-" + strconv.Itoa(j))
		}
	}
	return out
}

// GenerateProjectKeys returns n keys of one project, the same for the same
// projectID and seed, in strictly increasing created_at order. The mix, by
// index i: i%3 == 2 owned by a service account (else a user); i%4 == 3 never
// used; i%6 == 5 inactive. Every field the schema requires is set.
func GenerateProjectKeys(projectID string, n int, seed int64) []ProjectKey {
	if n <= 0 {
		return []ProjectKey{}
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(projectID))
	salt := mix64(h.Sum64() ^ uint64(seed))
	r := rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
	keys := make([]ProjectKey, n)
	created := generatedEpoch
	for i := range keys {
		created += 1 + r.Int64N(3600)
		k := &keys[i]
		k.ID = hexID("key_", mix64(uint64(i)+salt))
		k.CreatedAt = created
		k.RedactedValue = "sk-" + hexTail(r, 3) + "..." + hexTail(r, 3)
		k.OwnerProjectAccess = "active"
		if i%6 == 5 {
			k.OwnerProjectAccess = "inactive"
		}
		k.Name = ptr(keyPrefix[r.IntN(len(keyPrefix))] + "-" + strconv.Itoa(i))
		if i%4 != 3 {
			k.LastUsedAt = ptr(created + r.Int64N(90*day))
		}
		o := ProjectKeyOwner{CreatedAt: generatedEpoch - (1+r.Int64N(700))*day}
		if i%3 == 2 {
			o.Type = "service_account"
			o.ID = hexID("user-sa_", r.Uint64())
			o.Name = "svc-" + keyPrefix[i%len(keyPrefix)]
			o.Role = "member"
		} else {
			first, last := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
			o.Type = "user"
			o.ID = hexID("user_", r.Uint64())
			o.Name = first + " " + last
			o.Role = roles[r.IntN(2)]
			o.Email = ptr(first + "." + last + "@example.com")
		}
		k.Owner = o
	}
	return keys
}

// SampleOrganization is a small, realistic organisation for the demo. Times
// are relative to now, so the demo always shows one key unused for over 90
// days, one never used, one that never expires and one owned by a user.
func SampleOrganization() ([]AdminKey, []Project, map[string][]ProjectKey) {
	now := time.Now().Unix()
	ago := func(d int64) int64 { return now - d }
	ada := Owner{Type: "user", Object: "organization.user", ID: "user_7Qm2Lx9Vt4Rb1Kz8", Name: ptr("Ada Lovelace"), Role: "owner", CreatedAt: ago(800 * day)}
	sa := func(id, name, role string) Owner {
		return Owner{Type: "service_account", Object: "organization.service_account", ID: id, Name: ptr(name), Role: role, CreatedAt: ago(500 * day)}
	}
	linus := Owner{Type: "user", Object: "organization.user", ID: "user_5Lq0Tz3Wd8Hn1Ry6", Name: ptr("Linus Torvalds"), Role: "owner", CreatedAt: ago(900 * day)}
	ci := sa("sa_3Hn8Wq1Ze5Yp0Lc6", "terraform-ci", "owner")
	billing := sa("sa_9Ka4Fs7Dj2Gt5Mx1", "billing-exporter", "member")
	audit := sa("sa_5Rv0Bn3Tq8Hw2Jy4", "audit-bot", "reader")

	keys := []AdminKey{
		{ID: "key_Xb4Pq9Wm2Lr7Tz1K", Name: ptr("terraform-ci"), RedactedValue: "sk-admin...k3Qz", CreatedAt: ago(300 * day),
			ExpiresAt: ptr(now + 65*day), LastUsedAt: ptr(ago(2 * 3600)), Owner: ci},
		{ID: "key_Gm7Rt2Vx9Qs4Nb6P", Name: ptr("billing-export"), RedactedValue: "sk-admin...p8Wd", CreatedAt: ago(250 * day),
			ExpiresAt: ptr(now + 115*day), LastUsedAt: ptr(ago(120 * day)), Owner: billing},
		{ID: "key_Jc1Ws8Kd3Fy6Hu0M", Name: ptr("ada-laptop"), RedactedValue: "sk-admin...a1Lv", CreatedAt: ago(200 * day),
			ExpiresAt: ptr(now + 165*day), LastUsedAt: ptr(ago(1 * day)), Owner: ada},
		{ID: "key_Tn5Zh0Lq4Pe9Xa2C", Name: ptr("legacy-bootstrap"), RedactedValue: "sk-admin...b0oT", CreatedAt: ago(180 * day),
			LastUsedAt: ptr(ago(10 * day)), Owner: ci},
		// Linus left the organization; his admin key stayed behind.
		{ID: "key_Lt6Wn1Rq8Hd3Kv0B", Name: ptr("linus-scripts"), RedactedValue: "sk-admin...l1nU", CreatedAt: ago(150 * day),
			ExpiresAt: ptr(now + 200*day), LastUsedAt: ptr(ago(40 * day)), Owner: linus},
		{ID: "key_Df6Ub3Ng8Mr1Vk5S", Name: ptr("clé-prod-日本"), RedactedValue: "sk-admin...j4Pn", CreatedAt: ago(120 * day),
			ExpiresAt: ptr(now + 245*day), LastUsedAt: ptr(ago(3 * day)), Owner: ci},
		{ID: "key_Wy2Ce7Qj0Hs5Lb9R", RedactedValue: "sk-admin...n0Nm", CreatedAt: ago(60 * day),
			ExpiresAt: ptr(now + 305*day), LastUsedAt: ptr(ago(6 * 3600)), Owner: billing},
		{ID: "key_Ka9Mv4Yt1Gd6Rp3E", Name: ptr("audit-reader"), RedactedValue: "sk-admin...r3Ad", CreatedAt: ago(30 * day),
			ExpiresAt: ptr(now + 335*day), Owner: audit},
		{ID: "key_Pe0Sx5Bw8Jn2Tf7H", Name: ptr("rotation-2026"), RedactedValue: "sk-admin...r0T8", CreatedAt: ago(2 * day),
			ExpiresAt: ptr(now + 88*day), LastUsedAt: ptr(ago(1800)), Owner: ci},
	}

	projects := []Project{
		{ID: "proj_Lq8Vn3Xc6Bt1Ws4K", Name: ptr("Prototype 2024"), CreatedAt: ago(500 * day), ArchivedAt: ptr(ago(100 * day)), Status: "archived",
			Residency: "GLOBAL"},
		{ID: "proj_Hz2Rm7Kd0Fp5Qy9A", Name: ptr("Production"), CreatedAt: ago(400 * day), Status: "active",
			Residency: "EU_STORAGE_PROCESSING", ExternalKeyID: ptr("ekm_Pr0dKms4Eu9Key2")},
		{ID: "proj_Cu6Jt1Ge4Nv8Ls3D", Name: ptr("Staging"), CreatedAt: ago(300 * day), Status: "active", Residency: "US_STORAGE_PROCESSING"},
	}
	grace := ProjectKeyOwner{Type: "user", ID: "user_2Fw9Pz4Hm7Jc0Xe5", Name: "Grace Hopper", Email: ptr("grace.hopper@example.com"), Role: "owner", CreatedAt: ago(700 * day)}
	alan := ProjectKeyOwner{Type: "user", ID: "user_8Tb3Qk6Ya1Rd5Vn2", Name: "Alan Turing", Email: ptr("alan.turing@example.com"), Role: "member", CreatedAt: ago(600 * day)}
	deploy := ProjectKeyOwner{Type: "service_account", ID: "user-sa_4Mx9Ce2Wr7Bh0Kj5", Name: "deploy-bot", Role: "member", CreatedAt: ago(390 * day)}
	// A service account with the project's owner role.
	opsBot := ProjectKeyOwner{Type: "service_account", ID: "user-sa_7Gt2Nb5Xw0Qe8Lm3", Name: "ops-bot", Role: "owner", CreatedAt: ago(100 * day)}
	projectKeys := map[string][]ProjectKey{
		"proj_Lq8Vn3Xc6Bt1Ws4K": {
			{ID: "key_Qa3Ls8Dn1Vg6Yk0T", Name: ptr("prototype-notebook"), RedactedValue: "sk-pr0...t0B", CreatedAt: ago(480 * day),
				LastUsedAt: ptr(ago(150 * day)), OwnerProjectAccess: "active", Owner: alan},
			{ID: "key_Vr5Hk0Zm3Tq8Gw1N", Name: ptr("demo-day"), RedactedValue: "sk-d3m...day", CreatedAt: ago(450 * day),
				OwnerProjectAccess: "inactive", Owner: grace},
		},
		"proj_Hz2Rm7Kd0Fp5Qy9A": {
			{ID: "key_Bs9Fj4Xp7Lc2Ru6W", Name: ptr("prod-backend"), RedactedValue: "sk-b4c...k3n", CreatedAt: ago(380 * day),
				LastUsedAt: ptr(ago(600)), OwnerProjectAccess: "active", Owner: deploy},
			{ID: "key_Ny1Wd6Kt9Ha4Pe3Q", Name: ptr("grace-debug"), RedactedValue: "sk-gr4...dbg", CreatedAt: ago(200 * day),
				LastUsedAt: ptr(ago(95 * day)), OwnerProjectAccess: "active", Owner: grace},
			{ID: "key_Mc7Tg2Qv5Jx0Lb8Z", Name: ptr("scratch"), RedactedValue: "sk-x7q...9zz", CreatedAt: ago(90 * day),
				LastUsedAt: ptr(ago(89 * day)), OwnerProjectAccess: "inactive", Owner: alan},
			// deploy-bot holds three keys in Production.
			{ID: "key_Rw3Jd8Nf1Tk6Ps9C", Name: ptr("prod-worker"), RedactedValue: "sk-w0r...kr1", CreatedAt: ago(60 * day),
				LastUsedAt: ptr(ago(300)), OwnerProjectAccess: "active", Owner: deploy},
			{ID: "key_Hb5Ly0Cv7Mg2Xs4D", Name: ptr("prod-cron"), RedactedValue: "sk-cr0...n5x", CreatedAt: ago(45 * day),
				LastUsedAt: ptr(ago(3600)), OwnerProjectAccess: "active", Owner: deploy},
		},
		"proj_Cu6Jt1Ge4Nv8Ls3D": {
			{ID: "key_Fh0Ek5Rn8Ws3Ty6U", Name: ptr("staging-ci"), RedactedValue: "sk-st4...c1i", CreatedAt: ago(250 * day),
				LastUsedAt: ptr(ago(3600)), OwnerProjectAccess: "active", Owner: deploy},
			{ID: "key_Zk4Ub9Mq2Ce7Hv1Y", Name: ptr("load-test"), RedactedValue: "sk-l0a...tst", CreatedAt: ago(20 * day),
				OwnerProjectAccess: "active", Owner: alan},
			{ID: "key_Ge8Pm3Ws6Bz1Qt5V", Name: ptr("staging-admin"), RedactedValue: "sk-0p5...b0t", CreatedAt: ago(30 * day),
				LastUsedAt: ptr(ago(2 * day)), OwnerProjectAccess: "active", Owner: opsBot},
		},
	}
	return keys, projects, projectKeys
}

// GenerateUsers returns n users, the same for the same seed, in strictly
// increasing added_at order from 2024-01-01. The mix, by index i:
//   - i%4 == 0: role owner, else reader; i%13 == 12: no role (null);
//   - i%6 == 5: a service account; i%3 == 1: managed by SCIM; i%10 == 9:
//     neither flag is sent;
//   - i%7 == 6: name and email null;
//   - i%5 == 4: API keys never used.
func GenerateUsers(n int, seed int64) []User {
	r := rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x5eed))
	users := make([]User, n)
	for i := range users {
		u := User{
			ID:      hexID("user-", mix64(uint64(i)^uint64(seed)<<32^0x75736572)),
			AddedAt: generatedEpoch + int64(i)*3600,
		}
		if i%7 != 6 {
			first, last := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
			u.Name, u.Email = ptr(first+" "+last), ptr(first+"."+last+"@example.com")
		}
		switch {
		case i%13 == 12:
		case i%4 == 0:
			u.Role = ptr("owner")
		default:
			u.Role = ptr("reader")
		}
		if i%10 != 9 {
			u.IsServiceAccount, u.IsSCIMManaged = ptr(i%6 == 5), ptr(i%3 == 1)
		}
		if i%5 != 4 {
			u.APIKeyLastUsedAt = ptr(u.AddedAt + int64(r.IntN(int(300*day))))
		}
		users[i] = u
	}
	return users
}

// SampleUsers are the users of the sample organization: three owners, and
// no Linus, whose admin key outlived him.
func SampleUsers() []User {
	now := time.Now().Unix()
	ago := func(d int64) int64 { return now - d }
	t, f := ptr(true), ptr(false)
	return []User{
		{ID: "user_7Qm2Lx9Vt4Rb1Kz8", Name: ptr("Ada Lovelace"), Email: ptr("ada.lovelace@example.com"), Role: ptr("owner"),
			AddedAt: ago(800 * day), IsServiceAccount: f, IsSCIMManaged: f, APIKeyLastUsedAt: ptr(ago(1 * day))},
		{ID: "user_2Fw9Pz4Hm7Jc0Xe5", Name: ptr("Grace Hopper"), Email: ptr("grace.hopper@example.com"), Role: ptr("owner"),
			AddedAt: ago(700 * day), IsServiceAccount: f, IsSCIMManaged: t, APIKeyLastUsedAt: ptr(ago(95 * day))},
		{ID: "user_8Tb3Qk6Ya1Rd5Vn2", Name: ptr("Alan Turing"), Email: ptr("alan.turing@example.com"), Role: ptr("reader"),
			AddedAt: ago(600 * day), IsServiceAccount: f, IsSCIMManaged: t, APIKeyLastUsedAt: ptr(ago(3 * day))},
		{ID: "user_4Kj7Mw2Rd9Xb6Pn1", Name: ptr("Katherine Johnson"), Email: ptr("katherine.johnson@example.com"), Role: ptr("owner"),
			AddedAt: ago(90 * day), IsServiceAccount: f, IsSCIMManaged: f},
		// The schema allows null names and emails, and no flags at all.
		{ID: "user-sa_9Hc4Vt1Ly6Jd3Fq8", Role: ptr("reader"), AddedAt: ago(30 * day)},
	}
}
