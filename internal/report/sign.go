package report

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"xinyong/internal/errs"
)

// shanghai is China Standard Time. China has kept UTC+8 without daylight
// saving since 1991, so a fixed zone avoids depending on tzdata.
var shanghai = time.FixedZone("CST", 8*60*60)

// Signer signs report digests with an Ed25519 key.
type Signer struct {
	priv ed25519.PrivateKey
}

// NewSigner derives the key pair from a 32-byte seed (ed25519.SeedSize).
func NewSigner(seed []byte) (*Signer, error) {
	if len(seed) != ed25519.SeedSize {
		return nil, errs.Invalid("report.signer_seed", fmt.Sprintf("签名密钥种子必须为 %d 字节", ed25519.SeedSize))
	}
	return &Signer{priv: ed25519.NewKeyFromSeed(seed)}, nil
}

// Sign returns the Ed25519 signature of digest (normally Digest(pdf)[:]).
func (s *Signer) Sign(digest []byte) []byte { return ed25519.Sign(s.priv, digest) }

// PublicKey returns the public half of the key.
func (s *Signer) PublicKey() ed25519.PublicKey {
	return s.priv.Public().(ed25519.PublicKey)
}

// Verify reports whether sig is pub's valid signature of digest. Malformed
// keys or signatures yield false, never a panic.
func Verify(pub ed25519.PublicKey, digest, sig []byte) bool {
	if len(pub) != ed25519.PublicKeySize || len(sig) != ed25519.SignatureSize {
		return false
	}
	return ed25519.Verify(pub, digest, sig)
}

// Digest is the SHA-256 of a rendered PDF: what is stored, signed and
// compared when a downloaded report is verified.
func Digest(pdf []byte) [32]byte { return sha256.Sum256(pdf) }

// codeAlphabet is base32 without the look-alikes 0/O and 1/I.
const codeAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// VerifyCodeLen is the length of a verification code.
const VerifyCodeLen = 12

// VerifyCode derives the 12-character verification code printed on a report
// (60 bits of SHA-256 over a domain tag, the report number and digest, in
// codeAlphabet). The code is printed inside the PDF, so digest must be known
// before rendering: use ContentDigest(r), not Digest(pdf).
func VerifyCode(number string, digest [32]byte) string {
	h := sha256.New()
	h.Write([]byte("xinyong/report/verify-code/v1\x00"))
	h.Write([]byte(number))
	h.Write([]byte{0})
	h.Write(digest[:])
	sum := h.Sum(nil)
	v := binary.BigEndian.Uint64(sum[:8])
	var b [VerifyCodeLen]byte
	for i := range b {
		b[i] = codeAlphabet[v>>59]
		v <<= 5
	}
	return string(b[:])
}

// NormalizeVerifyCode turns what a person typed into the canonical form:
// upper case, without spaces or dashes.
func NormalizeVerifyCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch r {
		case ' ', '-', '\t', '　', '－':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// NewNumber formats a report number: "XY", the date of t in China Standard
// Time as YYYYMMDD, "-", and seq zero-padded to six digits (more digits if
// seq ≥ 1,000,000), e.g. XY20261123-000123. seq is the caller's per-day
// sequence (≥ 0; a negative value is printed as its absolute value).
func NewNumber(t time.Time, seq int64) string {
	if seq < 0 {
		seq = -seq
	}
	return fmt.Sprintf("XY%s-%06d", t.In(shanghai).Format("20060102"), seq)
}

// ContentDigest is a SHA-256 over a canonical encoding of the report's
// content, excluding VerifyURL and VerifyCode. Use it to derive the code
// before rendering:
//
//	r.Number = NewNumber(now, seq)
//	r.VerifyCode = VerifyCode(r.Number, ContentDigest(r))
//	r.VerifyURL = portal + "/verify?no=" + r.Number + "&code=" + r.VerifyCode
//	pdf, _ := RenderPDF(r)
//	d := Digest(pdf); sig := signer.Sign(d[:]) // store number, code, d, sig
func ContentDigest(r Report) [32]byte {
	h := sha256.New()
	put := func(s string) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	put("xinyong/report/content/v1")
	put(r.Number)
	put(r.GeneratedAt.UTC().Format(time.RFC3339Nano))
	put(r.AsOf.UTC().Format(time.RFC3339Nano))
	put(r.Title)
	s := r.Subject
	for _, v := range []string{s.Name, s.CodeLabel, s.Code, s.Type, s.Region, s.LegalRep, s.Status} {
		put(v)
	}
	put(fmt.Sprint(len(r.Sections)))
	for _, sec := range r.Sections {
		put(sec.Title)
		put(sec.Empty)
		put(fmt.Sprint(len(sec.Columns)))
		for _, c := range sec.Columns {
			put(c)
		}
		put(fmt.Sprint(len(sec.Rows)))
		for _, row := range sec.Rows {
			put(fmt.Sprint(len(row)))
			for _, c := range row {
				put(c)
			}
		}
	}
	put(r.Issuer)
	put(fmt.Sprint(len(r.Notes)))
	for _, n := range r.Notes {
		put(n)
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}
