package fetch

import (
	"flag"
	"io"
	"strings"
	"testing"
	"time"
)

func TestFlags(t *testing.T) {
	parse := func(args ...string) (*Flags, error) {
		set := flag.NewFlagSet("cpu", flag.ContinueOnError)
		set.SetOutput(io.Discard)
		var f Flags
		f.Register(set, "profile", 30, "profile for `n` seconds")
		if err := set.Parse(args); err != nil {
			return nil, err
		}
		return &f, f.Check("cpu")
	}
	for _, tc := range []struct {
		args    []string
		src     string
		seconds int
	}{
		{nil, "cpu.pb.gz", 30},
		{nil, "http://h:1/debug/pprof/profile?seconds=60", 60}, // the URL's own
		{[]string{"-seconds", "5"}, "http://h:1/debug/pprof/profile?seconds=60", 5},
		{[]string{"-seconds", "0"}, "http://h:1", 0},
	} {
		f, err := parse(tc.args...)
		if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		opt := f.Options(tc.src, "/debug/pprof/profile")
		if opt.Seconds != tc.seconds || opt.DefaultPath != "/debug/pprof/profile" || opt.Timeout != DefaultTimeout {
			t.Errorf("%v %s: got %+v, want %d seconds", tc.args, tc.src, opt, tc.seconds)
		}
	}
	f, err := parse("-H", "Authorization: Bearer x", "-timeout", "3s", "-save", "out.pb.gz")
	if err != nil {
		t.Fatal(err)
	}
	if opt := f.Options("http://h:1", ""); opt.Header.Get("Authorization") != "Bearer x" || opt.Timeout != 3*time.Second || f.Save != "out.pb.gz" {
		t.Errorf("got %+v, save %q", opt, f.Save)
	}
	for _, args := range [][]string{{"-seconds", "-1"}, {"-timeout", "0s"}} {
		if _, err := parse(args...); err == nil || !strings.HasPrefix(err.Error(), "cpu: -") {
			t.Errorf("%v: got %v, want a usage error naming the command and the flag", args, err)
		}
	}
}
