package resolve

// jsoncToJSON turns the JSON-with-comments dialect of tsconfig.json (line and
// block comments, trailing commas, a BOM) into JSON that encoding/json
// accepts. Comments are replaced by spaces so byte offsets in decode errors
// still point into the original. It is deliberately tolerant: an unterminated
// string or comment just ends the output, and the decoder reports the error;
// nothing here can index out of range on any input.
func jsoncToJSON(src []byte) []byte {
	if len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
		src = src[3:]
	}
	// Pass 1: drop comments, copying strings verbatim.
	out := make([]byte, 0, len(src))
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '"':
			j := i + 1
			for j < len(src) && src[j] != '"' && src[j] != '\n' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(src) {
				j = len(src) - 1
			}
			out = append(out, src[i:j+1]...)
			i = j + 1
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				out = append(out, ' ')
				i++
			}
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			out = append(out, ' ', ' ')
			i += 2
			for i < len(src) && !(src[i] == '*' && i+1 < len(src) && src[i+1] == '/') {
				if src[i] == '\n' {
					out = append(out, '\n')
				} else {
					out = append(out, ' ')
				}
				i++
			}
			if i < len(src) {
				out = append(out, ' ', ' ')
				i += 2
			}
		default:
			out = append(out, c)
			i++
		}
	}
	// Pass 2: drop commas followed only by whitespace and a closing bracket.
	res := make([]byte, 0, len(out))
	for i := 0; i < len(out); i++ {
		c := out[i]
		if c == '"' {
			j := i + 1
			for j < len(out) && out[j] != '"' && out[j] != '\n' {
				if out[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(out) {
				j = len(out) - 1
			}
			res = append(res, out[i:j+1]...)
			i = j
			continue
		}
		if c == ',' {
			j := i + 1
			for j < len(out) && (out[j] == ' ' || out[j] == '\t' || out[j] == '\n' || out[j] == '\r') {
				j++
			}
			if j < len(out) && (out[j] == '}' || out[j] == ']') {
				res = append(res, ' ')
				continue
			}
		}
		res = append(res, c)
	}
	return res
}
