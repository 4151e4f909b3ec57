// SPDX-License-Identifier: MIT
/*
 * The guest -> host result stream on ttyS1 (framing in include/vm.h).
 * Bodies are base64 because the guest's tty layer may turn "\n" into
 * "\r\n" (onlcr) and a serial line is no place for raw bytes; the
 * decoder skips every whitespace byte so line wrapping does not matter.
 */
#include <string.h>

#include "util.h"
#include "vm.h"

static int b64_val(unsigned char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

int vm_base64_decode(const char *in, size_t inlen, char **ret, size_t *ret_len)
{
	_cleanup_free_ char *out = malloc(inlen / 4 * 3 + 4);
	uint32_t acc = 0;
	unsigned nbits = 0;
	size_t n = 0;
	bool pad = false;

	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < inlen; i++) {
		unsigned char ch = (unsigned char)in[i];
		int v;

		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
			continue;
		if (ch == '=') {
			pad = true;
			continue;
		}
		v = b64_val(ch);
		if (v < 0 || pad) /* nothing but padding after padding */
			return -EINVAL;
		acc = (acc << 6) | (uint32_t)v;
		nbits += 6;
		if (nbits >= 8) {
			nbits -= 8;
			out[n++] = (char)((acc >> nbits) & 0xff);
		}
	}
	/* leftover bits must be the zero padding of the last group */
	if (nbits >= 6 || (acc & ((1u << nbits) - 1)))
		return -EINVAL;
	out[n] = '\0';
	*ret_len = n;
	*ret = TAKE_PTR(out);
	return 0;
}

/* Next line [*pos, eol) without its "\r\n"; false at the end. */
static bool next_line(const char *buf, size_t len, size_t *pos, const char **ret_line,
		      size_t *ret_n)
{
	size_t s = *pos, e;

	if (s >= len)
		return false;
	for (e = s; e < len && buf[e] != '\n'; e++)
		;
	*pos = e < len ? e + 1 : e;
	while (e > s && (buf[e - 1] == '\r'))
		e--;
	*ret_line = buf + s;
	*ret_n = e - s;
	return true;
}

static bool starts(const char *line, size_t n, const char *tag)
{
	size_t t = strlen(tag);

	return n >= t && !memcmp(line, tag, t);
}

void vm_stream_free(struct vm_stream *s)
{
	for (unsigned i = 0; i < s->n; i++) {
		free(s->res[i].json);
		s->res[i].json = NULL;
	}
	s->n = 0;
}

int vm_stream_parse(const char *buf, size_t len, struct vm_stream *ret)
{
	struct vm_stream *s = ret;
	struct vm_result *cur = NULL;
	size_t pos = 0, body_start = 0, nbytes = 0;
	const char *line;
	size_t n;

	memset(s, 0, sizeof(*s));
	while (next_line(buf, len, &pos, &line, &n)) {
		char tmp[512];

		/* a marker can follow console noise on the same line */
		const char *at = memmem(line, n, "@@OOMLAB-", 9);
		const char *endm = memmem(line, n, "@@END", 5);

		if (cur && endm) {
			char *json = NULL;
			size_t jl = 0;
			int e = vm_base64_decode(buf + body_start,
						 (size_t)(line - buf) - body_start +
							 (size_t)(endm - line),
						 &json, &jl);

			if (e == 0 && jl == nbytes) {
				cur->json = json;
				cur->len = jl;
				cur->complete = true;
			} else {
				free(json);
			}
			cur = NULL;
			continue;
		}
		if (!at)
			continue;
		n -= (size_t)(at - line);
		line = at;
		if (n >= sizeof(tmp))
			continue;
		memcpy(tmp, line, n);
		tmp[n] = '\0';
		if (starts(line, n, "@@OOMLAB-BEGIN ")) {
			snprintf(s->kernel, sizeof(s->kernel), "%.*s", (int)sizeof(s->kernel) - 1,
				 tmp + 15);
			s->begun = true;
			cur = NULL;
		} else if (starts(line, n, "@@OOMLAB-RESULT ")) {
			unsigned idx;
			int rc;
			char file[256];
			size_t nb;

			cur = NULL;
			if (sscanf(tmp + 16, "%u %d %255s %zu", &idx, &rc, file, &nb) != 4)
				continue;
			if (s->n >= VM_MAX_RESULTS)
				continue;
			cur = &s->res[s->n++];
			cur->index = idx;
			cur->rc = rc;
			/* a guest-chosen name lands in the host's results dir:
			 * no directories, no dot files */
			if (strchr(file, '/') || file[0] == '.')
				snprintf(cur->file, sizeof(cur->file), "-");
			else
				snprintf(cur->file, sizeof(cur->file), "%s", file);
			nbytes = nb;
			body_start = pos;
			if (nb == 0) {
				cur->complete = true;
				cur = NULL;
			}
		} else if (starts(line, n, "@@OOMLAB-DONE ")) {
			long rc;

			if (parse_int(tmp + 14, 0, 255, &rc) == 0) {
				s->done = true;
				s->done_rc = (int)rc;
			}
			cur = NULL;
		}
	}
	return 0;
}
