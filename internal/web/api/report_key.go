package api

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"xinyong/internal/report"
)

// ReportKeyFile is the Ed25519 seed file of report signatures in the data dir.
const ReportKeyFile = "report-signing.key"

// LoadReportSigner returns the report signer: from b64 (XINYONG_REPORT_KEY,
// base64 of a 32-byte seed) when given, else from dir/report-signing.key,
// created with mode 0600 on first start.
func LoadReportSigner(b64, dir string) (*report.Signer, error) {
	if b64 != "" {
		seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
		if err != nil || len(seed) != 32 {
			return nil, errors.New("XINYONG_REPORT_KEY must be base64 of a 32-byte Ed25519 seed")
		}
		return report.NewSigner(seed)
	}
	path := filepath.Join(dir, ReportKeyFile)
	if b, err := os.ReadFile(path); err == nil {
		seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(seed) != 32 {
			return nil, fmt.Errorf("report key file %s is corrupt", path)
		}
		return report.NewSigner(seed)
	} else if !os.IsNotExist(err) {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	seed := make([]byte, 32)
	if _, err := rand.Read(seed); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create report key file: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteString(base64.StdEncoding.EncodeToString(seed) + "\n"); err != nil {
		return nil, err
	}
	return report.NewSigner(seed)
}
