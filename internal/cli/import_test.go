package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportCommand runs xinyong import on a provincial-style CSV: good rows
// land, the bad one is reported with its line, the XLSX report is written,
// the exit code says some rows were refused, and a re-run is all duplicates.
func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := run(t, "demo", "--data", dir, "--subjects", "0"); code != 0 {
		t.Fatalf("demo: %s", errOut)
	}
	csv := "ID,CF_WSH,CF_XDR_MC,CF_XDR_LB,CF_XDR_SHXYM,CF_WFXW,CF_SY,CF_YJ,CF_CFLB,CF_NR,CF_NR_FK,CF_JDRQ,CF_YXQ,CF_CFJG,CF_CFJGDM,CF_SJLY,CF_SJLYDM\n" +
		"1,测罚1,测试公司,法人及非法人组织,91350100M000100Y43,x,x,x,警告;罚款,x,0.5,2025-11-20,2027-11-20,x,11350100MB0000000X,x,11350100MB0000000X\n" +
		"2,测罚2,测试公司,法人及非法人组织,91350100M000100Y4,x,x,x,警告,x,,2025-11-20,2027-11-20,x,11350100MB0000000X,x,11350100MB0000000X\n"
	file := filepath.Join(dir, "penalty.csv")
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "report.xlsx")
	code, out, errOut := run(t, "import", "--data", dir, "--type", "penalty", "--dept", "samr", "--report", report, file)
	if code != 1 || !strings.Contains(out, "接收 1") || !strings.Contains(out, "拒收 1") || !strings.Contains(out, "第 3 行 CF_XDR_SHXYM") {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	if fi, err := os.Stat(report); err != nil || fi.Size() == 0 {
		t.Errorf("report not written: %v", err)
	}
	_, out, _ = run(t, "import", "--data", dir, "--type", "penalty", "--dept", "samr", file)
	if !strings.Contains(out, "重复 1") {
		t.Errorf("re-run not a duplicate:\n%s", out)
	}
	if code, _, _ := run(t, "import", "--data", dir, "--type", "penalty", file); code != 2 {
		t.Errorf("missing --dept: exit %d, want 2", code)
	}
	if code, _, errOut := run(t, "import", "--data", dir, "--type", "nope", "--dept", "samr", file); code != 1 || !strings.Contains(errOut, "未知的信息类别") {
		t.Errorf("unknown type: exit %d %s", code, errOut)
	}
}
