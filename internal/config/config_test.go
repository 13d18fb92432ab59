package config

import (
	"flag"
	"strings"
	"testing"
)

func TestEnvAndFlags(t *testing.T) {
	t.Setenv("XINYONG_ADDR", "127.0.0.1:9000")
	t.Setenv("XINYONG_DB", "postgres://u:secret@db/x")
	t.Setenv("XINYONG_BOOTSTRAP_TOKEN", "abcdefghijklmnopqrstuvwxyz")
	c := Defaults()
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	c.Bind(fs, true)
	if err := fs.Parse([]string{"--addr", "127.0.0.1:9100"}); err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9100" || c.DB != "postgres://u:secret@db/x" {
		t.Fatalf("flags must win over env: %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	c.Dump(&b)
	if strings.Contains(b.String(), ":secret@") || strings.Contains(b.String(), "abcdefghijklmnop") {
		t.Fatalf("dump leaks a secret:\n%s", b.String())
	}
}

func TestValidateReportsAll(t *testing.T) {
	c := Defaults()
	c.Addr, c.SecretKey, c.MaskPattern, c.BootstrapToken = "x", "short", "a,b", "tiny"
	err := c.Validate()
	if err == nil {
		t.Fatal("want errors")
	}
	for _, want := range []string{"--addr", "XINYONG_SECRET_KEY", "XINYONG_MASK", "XINYONG_BOOTSTRAP_TOKEN"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %s in %v", want, err)
		}
	}
}

func TestMaskDSN(t *testing.T) {
	if got := MaskDSN("postgres://user:pw@h:5432/db"); got != "postgres://user:****@h:5432/db" {
		t.Fatal(got)
	}
}
