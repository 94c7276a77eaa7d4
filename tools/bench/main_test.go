package main

import "testing"

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
