package remedy

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"

	"xinyong/internal/errs"
)

// Material kinds of attachments.
const (
	MatCommitment   = "commitment_letter" // 信用修复承诺书
	MatProof        = "proof"             // 履行法定义务、纠正失信行为的证明
	MatTraining     = "training"          // 信用修复培训证明
	MatCreditReport = "credit_report"     // 信用报告
	MatEvidence     = "evidence"          // 证明材料（异议、举报）
)

var materialLabels = map[string]string{MatCommitment: "信用修复承诺书", MatProof: "履行义务（纠正失信行为）的证明材料",
	MatTraining: "信用修复培训证明", MatCreditReport: "信用报告", MatEvidence: "证明材料"}

// MaterialLabel returns the Chinese name of a material kind.
func MaterialLabel(k string) string {
	if l, ok := materialLabels[k]; ok {
		return l
	}
	return k
}

// RequiredMaterials lists what a repair needs: the signed commitment and
// proof of fulfilment, plus training and a credit report for serious records.
func RequiredMaterials(severity string) []string {
	m := []string{MatCommitment, MatProof}
	if severity == "serious" || severity == "" {
		m = append(m, MatTraining, MatCreditReport)
	}
	return m
}

// Missing returns the required kinds not among have.
func Missing(required, have []string) []string {
	got := map[string]bool{}
	for _, h := range have {
		got[h] = true
	}
	var out []string
	for _, r := range required {
		if !got[r] {
			out = append(out, r)
		}
	}
	return out
}

// Attachment is one uploaded file.
type Attachment struct {
	Kind        string `json:"kind"`
	Name        string `json:"name"`
	Data        []byte `json:"data"` // base64 in JSON
	ContentType string `json:"-"`
}

// Attachment limits.
const (
	MaxAttachmentBytes = 5 << 20
	MaxAttachments     = 10
)

// Sniff returns the content type of a PDF, JPEG or PNG file from its first
// bytes, "" for anything else.
func Sniff(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return "application/pdf"
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	}
	return ""
}

// CheckAttachments validates kinds, names, sizes and content (by content,
// not by name) and fills ContentType.
func CheckAttachments(as []Attachment) error {
	if len(as) > MaxAttachments {
		return errs.Field("attachments", fmt.Sprintf("附件不能超过 %d 个", MaxAttachments))
	}
	var fe []errs.FieldError
	for i := range as {
		a := &as[i]
		f := fmt.Sprintf("attachments[%d]", i)
		if _, ok := materialLabels[a.Kind]; !ok {
			fe = append(fe, errs.FieldError{Field: f + ".kind", Reason: "未知的材料类型：" + a.Kind})
		}
		a.Name = strings.TrimSpace(a.Name)
		if a.Name == "" || utf8.RuneCountInString(a.Name) > 100 || strings.ContainsAny(a.Name, "/\\\x00") {
			fe = append(fe, errs.FieldError{Field: f + ".name", Reason: "文件名须为1至100个字符，且不含路径"})
		}
		switch {
		case len(a.Data) == 0:
			fe = append(fe, errs.FieldError{Field: f + ".data", Reason: "附件内容为空"})
		case len(a.Data) > MaxAttachmentBytes:
			fe = append(fe, errs.FieldError{Field: f + ".data", Reason: fmt.Sprintf("单个附件不能超过 %d MB", MaxAttachmentBytes>>20)})
		default:
			if a.ContentType = Sniff(a.Data); a.ContentType == "" {
				fe = append(fe, errs.FieldError{Field: f + ".data", Reason: "附件只能是 PDF、JPG 或 PNG 文件（按文件内容识别）"})
			}
		}
	}
	if len(fe) > 0 {
		return errs.Invalid("remedy.attachments", "附件有误", fe...)
	}
	return nil
}

// Objection reasons (domain-facts §7.2).
var ObjectionReasons = map[string]string{
	"error": "信息错误", "omission": "信息遗漏", "duplicate": "重复公示", "not_public": "不应公示",
	"overdue": "超期公示", "mismatch": "与认定机关信息不一致",
}

// ReasonCodes lists the objection reason codes in display order.
var ReasonCodes = []string{"error", "omission", "duplicate", "not_public", "overdue", "mismatch"}

const codeAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ" // 32 symbols, no 0/O, 1/I

// NewQueryCode returns a random 16-character query code (80 bits) grouped
// as XXXX-XXXX-XXXX-XXXX. Only its hash is stored.
func NewQueryCode() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(codeAlphabet[int(c)%len(codeAlphabet)])
	}
	return sb.String()
}

// HashQueryCode normalises (case, dashes, spaces) and hashes a query code.
func HashQueryCode(code string) string {
	c := strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(code)))
	sum := sha256.Sum256([]byte("xinyong-query-code:" + c))
	return hex.EncodeToString(sum[:])
}
