package subject

import "testing"

func TestNormalizeName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ＡＢＣ科技有限公司", "ABC科技有限公司"},
		{"abc科技有限公司", "ABC科技有限公司"},
		{"北京某某（集团）有限公司", "北京某某(集团)有限公司"},
		{"北京某某(集团)有限公司", "北京某某(集团)有限公司"},
		{"【测试】有限公司", "(测试)有限公司"},
		{"[测试]有限公司", "(测试)有限公司"},
		{"［测试］〔二〕", "(测试)(二)"},
		{" 福州 某某\u3000商行 ", "福州某某商行"},
		{"某\t某\n公司\u200b", "某某公司"},
		{"１２３号店", "123号店"},
		{"", ""},
	}
	for _, tt := range tests {
		got := NormalizeName(tt.in)
		if got != tt.want {
			t.Errorf("NormalizeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if again := NormalizeName(got); again != got {
			t.Errorf("not idempotent: %q -> %q", got, again)
		}
	}
	if NormalizeName("某某（福州）有限公司") != NormalizeName("某某 (福州) 有限公司") {
		t.Error("bracket and space variants do not match")
	}
}
