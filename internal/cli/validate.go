package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"xinyong/internal/subject"
)

func init() {
	register("validate", "校验统一社会信用代码、身份证号等 (validate identifiers)", runValidate)
}

func runValidate(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("validate", "逐个校验代码：统一社会信用代码、组织机构代码、注册号、公民身份号码等；任一无效则退出码为 1", errOut)
	kind := fs.String("kind", "", "identifier kind (uscc, org_code, reg_no, id_card, passport, ...); empty = guess from the shape")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(errOut, "用法: xinyong validate [--kind KIND] CODE...")
		return errUsage
	}
	now := time.Now()
	bad := false
	for _, a := range fs.Args() {
		var v subject.Verdict
		if *kind != "" {
			k, err := subject.ParseIDKind(*kind)
			if err != nil {
				return err
			}
			v = subject.ValidateDocument(k, a, now)
		} else {
			v = subject.Identify(a, now)
		}
		shown := a
		if v.Kind.Personal() {
			shown = subject.MaskID(v.Normalized, 4, 4)
			if v.Normalized == "" {
				shown = subject.MaskID(a, 4, 4)
			}
		}
		if v.OK {
			extra := ""
			if v.RegionName != "" {
				extra = "，" + v.RegionName
			}
			fmt.Fprintf(out, "%s\t有效 valid\t%s%s\n", shown, v.Kind.Label(), extra)
		} else {
			bad = true
			label := "无法识别"
			if v.Kind != "" {
				label = v.Kind.Label()
			}
			fmt.Fprintf(out, "%s\t无效 invalid\t%s：%s\n", shown, label, v.Reason)
		}
	}
	if bad {
		return errExit1
	}
	return nil
}
