// Package pii protects personal identity numbers: encrypted at rest with
// AES-GCM, looked up by keyed hash (HMAC-SHA256), never stored in clear.
package pii

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Protector seals and hashes identity numbers with keys derived from one
// 32-byte master key.
type Protector struct {
	aead   cipher.AEAD
	macKey []byte
}

// New derives the encryption and hashing keys from master.
func New(master []byte) (*Protector, error) {
	if len(master) != 32 {
		return nil, errors.New("pii: master key must be 32 bytes")
	}
	encKey := derive(master, "xinyong pii encryption v1")
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Protector{aead: aead, macKey: derive(master, "xinyong pii lookup hash v1")}, nil
}

func derive(master []byte, label string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// Seal encrypts plaintext; the result is base64 (nonce || ciphertext).
func (p *Protector) Seal(plaintext string) string {
	nonce := make([]byte, p.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	out := p.aead.Seal(nonce, nonce, []byte(plaintext), nil)
	return base64.StdEncoding.EncodeToString(out)
}

// Open decrypts what Seal produced.
func (p *Protector) Open(sealed string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil || len(b) < p.aead.NonceSize() {
		return "", errors.New("pii: malformed ciphertext")
	}
	pt, err := p.aead.Open(nil, b[:p.aead.NonceSize()], b[p.aead.NonceSize():], nil)
	if err != nil {
		return "", errors.New("pii: cannot decrypt (wrong key?)")
	}
	return string(pt), nil
}

// Hash is the lookup key of an identity number of a given kind.
func (p *Protector) Hash(kind, number string) string {
	m := hmac.New(sha256.New, p.macKey)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(number))
	return hex.EncodeToString(m.Sum(nil))
}

// LoadOrCreateKey returns the master key: from base64 text when given, else
// from dir/xinyong.key, creating that file (mode 0600) on first start.
func LoadOrCreateKey(b64, dir string) ([]byte, error) {
	if b64 != "" {
		k, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || len(k) != 32 {
			return nil, errors.New("secret key must be base64 of 32 bytes")
		}
		return k, nil
	}
	path := filepath.Join(dir, "xinyong.key")
	if b, err := os.ReadFile(path); err == nil {
		k, err := base64.StdEncoding.DecodeString(string(trimSpace(b)))
		if err != nil || len(k) != 32 {
			return nil, fmt.Errorf("key file %s is corrupt", path)
		}
		return k, nil
	} else if !os.IsNotExist(err) {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create key file: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteString(base64.StdEncoding.EncodeToString(k) + "\n"); err != nil {
		return nil, err
	}
	return k, nil
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r' || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	return b
}
