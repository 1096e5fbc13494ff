package labcmd

import "testing"

func TestTable(t *testing.T) {
	tb := &table{header: []string{"NAME", "TEXT", "V"}, wrap: []int{0, 10, 0}}
	tb.add("a", "one two three four", "yes")
	tb.add("long-name", "", "no")
	tb.add("b", "averyveryverylongword x", "yes")
	want := "" +
		"NAME       TEXT                   V\n" +
		"a          one two                yes\n" +
		"           three four\n" +
		"\n" +
		"long-name                         no\n" +
		"\n" +
		"b          averyveryverylongword  yes\n" +
		"           x\n"
	if got := tb.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
