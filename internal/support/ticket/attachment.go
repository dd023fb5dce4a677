package ticket

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"unicode"
)

// MaxAttachment bounds one file: screenshots, logs and exports fit; a
// disk image does not.
const MaxAttachment = 20 << 20

// Attachment is a file attached to a ticket. The bytes live apart, named
// by SHA256, outside anything the server serves directly: a screenshot of
// an MIS may show a patient, so a file is read only through the ticket's
// scope check and every read is audited.
type Attachment struct {
	Name   string // base name as uploaded, cleaned
	Type   string // the sniffed media type
	Size   int64
	SHA256 string // hex
}

// kinds maps an allowed extension to the media type its content must
// sniff as. Office files are ZIP containers; CSV and logs are text.
var kinds = map[string]string{
	".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
	".gif": "image/gif", ".txt": "text/plain", ".log": "text/plain", ".csv": "text/plain",
	".xml": "text/xml", ".json": "text/plain", ".zip": "application/zip",
	".docx": "application/zip", ".xlsx": "application/zip", ".odt": "application/zip", ".ods": "application/zip",
}

// CheckAttachment reads an upload, refusing what is too large, of a type
// not on the list, or whose content does not match its extension (an
// executable renamed to .pdf). It returns the metadata to store with the
// event; the caller keeps the bytes it has read (tee r) under SHA256.
func CheckAttachment(name string, r io.Reader) (Attachment, error) {
	clean, err := cleanName(name)
	if err != nil {
		return Attachment{}, err
	}
	ext := strings.ToLower(path.Ext(clean))
	want, ok := kinds[ext]
	if !ok {
		return Attachment{}, fail(ErrInvalid, "файл «%s»: тип %s не принимается; допустимы PDF, PNG, JPEG, GIF, TXT, LOG, CSV, XML, JSON, ZIP, DOCX, XLSX, ODT, ODS", clean, ext)
	}
	h := sha256.New()
	head := make([]byte, 512)
	n, err := io.ReadFull(r, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return Attachment{}, fmt.Errorf("чтение файла «%s»: %w", clean, err)
	}
	head = head[:n]
	h.Write(head)
	rest, err := io.Copy(h, io.LimitReader(r, MaxAttachment+1-int64(n)))
	if err != nil {
		return Attachment{}, fmt.Errorf("чтение файла «%s»: %w", clean, err)
	}
	size := int64(n) + rest
	switch {
	case size == 0:
		return Attachment{}, fail(ErrInvalid, "файл «%s» пуст", clean)
	case size > MaxAttachment:
		return Attachment{}, fail(ErrInvalid, "файл «%s» больше %d МБ", clean, MaxAttachment>>20)
	}
	got, _, _ := strings.Cut(http.DetectContentType(head), ";")
	if got != want && !(want == "text/xml" && got == "text/plain") {
		return Attachment{}, fail(ErrInvalid, "файл «%s»: содержимое (%s) не соответствует расширению %s", clean, got, ext)
	}
	return Attachment{Name: clean, Type: got, Size: size, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// cleanName keeps the base name of what a browser sent (some send a full
// Windows path) and refuses control characters.
func cleanName(name string) (string, error) {
	name = name[strings.LastIndexAny(name, `/\`)+1:]
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == ".." || len(name) > 200 {
		return "", fail(ErrInvalid, "недопустимое имя файла")
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return "", fail(ErrInvalid, "имя файла содержит управляющие символы")
		}
	}
	return name, nil
}
