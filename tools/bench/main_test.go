package main

import (
	"testing"
	"time"
)

func TestParseBenchmarks(t *testing.T) {
	out := `goos: linux
BenchmarkListAdminAPIKeys/keys=1000-2         	       3	   7240528 ns/op	      2663 B/key	        10.00 ideal-requests	      7241 ns/key	        10.00 requests/sweep	 2663197 B/op	   14989 allocs/op
BenchmarkAdminKeysState/keys=1000-2         	      18	  6460096 ns/op	      6460 ns/key	 3907096 B/op	  746182 allocs/op
BenchmarkReadAdminAPIKeys/keys=1000-2         	       5	 81085986 ns/op	     81086 ns/key	51220537 B/op	10179796 allocs/op
PASS`
	got := parseBenchmarks(out)[1000]
	want := [5]float64{7241, 2663, 6460, 3907.096, 81085986}
	if got != want {
		t.Errorf("got %v, want %v", got, want)
	}
	if len(parseBenchmarks("no benchmarks here")) != 0 {
		t.Error("parsed benchmarks out of nothing")
	}
}

func TestLimiterFloor(t *testing.T) {
	for _, tc := range []struct {
		shape  limiterShape
		perMin int
		want   time.Duration
	}{
		{limiterShapes[0], 10, 6 * time.Minute},              // 7 bursts of 10, a minute apart
		{limiterShapes[1], 240, 15 * time.Second},            // 7 bursts, 2.5 s apart
		{limiterShapes[2], 60, 61 * time.Second},             // one at once, then one a second
		{limiterShapes[3], 1200, 52 * 50 * time.Millisecond}, // ten at once, then one per 50 ms
	} {
		if got := limiterFloor(tc.shape, tc.perMin, 62); got != tc.want {
			t.Errorf("%s at %d/min: floor %s, want %s", tc.shape.name, tc.perMin, got, tc.want)
		}
	}
}

// TestCappedCellsAreJudgedOnTheLaterFloor: a capped sweep cannot take a
// bucket's burst, so it is judged on the cap's floor; without a cap, on the
// limiter's.
func TestCappedCellsAreJudgedOnTheLaterFloor(t *testing.T) {
	capped := limiterCell{mode: modeCapped, elapsed: 61610 * time.Millisecond, floor: 52 * time.Second, capFloor: 61 * time.Second}
	if r := capped.judgedRatio(); r < 1.009 || r > 1.011 {
		t.Errorf("capped bucket of 10 at 60/min: judged ratio %.3f, want 61.61/61", r)
	}
	headers := limiterCell{mode: modeHeaders, elapsed: 60 * time.Second, floor: 52 * time.Second}
	if r := headers.judgedRatio(); r <= headers.target() {
		t.Errorf("a headers sweep of 60 s over a 52 s floor met the target: ratio %.3f", r)
	}
}

func TestSpliceLimiters(t *testing.T) {
	section := limiterHeading + "\n\nnew\n"
	if got := spliceSection("# B\n\n## A\n\nx\n", limiterHeading, section); got != "# B\n\n## A\n\nx\n\n"+section {
		t.Errorf("appended: %q", got)
	}
	old := "# B\n\n" + limiterHeading + "\n\nold\n\n## Z\n\nz\n"
	if got, want := spliceSection(old, limiterHeading, section), "# B\n\n"+section+"\n## Z\n\nz\n"; got != want {
		t.Errorf("replaced: %q, want %q", got, want)
	}
}
