package ticket

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestCheckAttachment(t *testing.T) {
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...)
	pdf := []byte("%PDF-1.7\n1 0 obj\n")
	exe := append([]byte("MZ\x90\x00"), make([]byte, 100)...)
	tests := []struct {
		name, file string
		data       []byte
		wantName   string
		wantType   string
		wantErr    string
	}{
		{"png", "screen.PNG", png, "screen.PNG", "image/png", ""},
		{"windows path is cut", `C:\Users\doc\Desktop\error.pdf`, pdf, "error.pdf", "application/pdf", ""},
		{"unix path is cut", "../../etc/report.pdf", pdf, "report.pdf", "application/pdf", ""},
		{"log as text", "mis.log", []byte("2025-03-04 ERROR timeout\n"), "mis.log", "text/plain", ""},
		{"executable renamed", "invoice.pdf", exe, "", "", "не соответствует расширению"},
		{"executable", "setup.exe", exe, "", "", "не принимается"},
		{"empty", "a.txt", nil, "", "", "пуст"},
		{"too large", "big.txt", bytes.Repeat([]byte("a"), MaxAttachment+1), "", "", "больше 20 МБ"},
		{"control character", "a\x00.txt", []byte("x"), "", "", "управляющие"},
		{"no name", `dir\`, []byte("x"), "", "", "недопустимое имя"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := CheckAttachment(tc.file, bytes.NewReader(tc.data))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !errors.Is(err, ErrInvalid) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.Name != tc.wantName || a.Type != tc.wantType || a.Size != int64(len(tc.data)) || len(a.SHA256) != 64 {
				t.Errorf("got %+v", a)
			}
		})
	}
	// The exact limit is accepted.
	if _, err := CheckAttachment("max.txt", bytes.NewReader(bytes.Repeat([]byte("a"), MaxAttachment))); err != nil {
		t.Errorf("a file of exactly %d bytes: %v", MaxAttachment, err)
	}
}
