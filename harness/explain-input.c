// SPDX-License-Identifier: MIT
/*
 * The input layer of oomlab explain: a stream of captured text in, kernel
 * messages in the kernel's order out (to the assembler).
 *
 * Per physical line: CRLF and e-mail quoting ("> ") go, a grep "--" is a
 * gap, NUL bytes or more than EXPLAIN_LINE_MAX bytes make it unreadable
 * (counted, skipped). A journal record (journalctl -o json: one object a
 * line; -o export: KEY=value lines, binary fields as KEY\n<le64><data>\n,
 * an empty line after each record) gives its MESSAGE and whether
 * _TRANSPORT says kernel. Other text goes through oom_prefix_split();
 * rsyslog's "#012" (an escaped newline) splits a line in several. A line
 * without any prefix in an input whose lines have one is a fragment
 * wrapped by a terminal or a mail client and is joined to the line before
 * (so is, anywhere, a fragment the line before plainly waits for:
 * "Killed process" wrapped after "process ").
 *
 * Order: exports are often newest-first. Lines are held (only those the
 * OOM parser recognises, up to BUF_MAX bytes) until the timestamps say
 * the input runs oldest-first; then it streams. At the end, an input whose
 * timestamps mostly went down is replayed backwards.
 */
#include <ctype.h>
#include <jansson.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "explain.h"
#include "util.h"

#define READ_CHUNK (64 * 1024)
#define BUF_MAX (64u * 1024 * 1024)
/* oldest-first once this many steps went up and none down */
#define ORDER_STREAK 8

struct held {
	char *msg; /* NULL: a gap */
	struct oom_line_meta meta;
};

struct input {
	int fd;
	struct oom_assembler *a;
	struct explain_stats *st;
	struct oom_prefix_state ps;
	/* reader */
	char *buf;
	size_t cap, start, end;
	bool eof, skipping;
	/* joiner */
	char *pend;
	size_t plen;
	bool have_pend, pany;
	size_t plast_raw;
	struct oom_line_meta pmeta;
	/* order */
	bool streaming;
	uint64_t inc, dec;
	bool have_key;
	double last_k;
	char last_wall[64];
	struct held *held;
	size_t nheld, heldcap, heldbytes;
	bool raw; /* /dev/kmsg records */
	/* journal export record */
	bool export;
	char *xmsg;
	bool xkernel_set, xkernel, xother;
	bool xhas_mono;
	double xmono;
	bool xsrc_mono;
	char xwall[64];
	/* scratch for unquoted export messages */
	char qbuf[EXPLAIN_LINE_MAX];
};

/* ---- ordering ---- */

static void feed(struct input *in, const char *msg, const struct oom_line_meta *m)
{
	if (msg)
		oom_asm_line(in->a, msg, m);
	else
		oom_asm_gap(in->a);
}

static void release_held(struct input *in, bool reverse)
{
	for (size_t i = 0; i < in->nheld; i++) {
		struct held *h = &in->held[reverse ? in->nheld - 1 - i : i];

		feed(in, h->msg, &h->meta);
	}
	for (size_t i = 0; i < in->nheld; i++)
		free(in->held[i].msg);
	in->nheld = 0;
	in->heldbytes = 0;
}

static void order_key(struct input *in, const struct oom_line_meta *m)
{
	int c;

	if (m->has_ktime) {
		if (in->have_key && m->ktime > in->last_k)
			in->inc++;
		else if (in->have_key && m->ktime < in->last_k)
			in->dec++;
		in->have_key = true;
		in->last_k = m->ktime;
		return;
	}
	/* ISO-like wall clocks compare as text; localised names do not */
	if (!isdigit((unsigned char)m->wall[0]))
		return;
	if (in->last_wall[0]) {
		c = strcmp(m->wall, in->last_wall);
		if (c > 0)
			in->inc++;
		else if (c < 0)
			in->dec++;
	}
	snprintf(in->last_wall, sizeof(in->last_wall), "%s", m->wall);
}

static bool relevant(const char *msg)
{
	struct oom_event ev;

	return msg[0] == '[' || oom_parser_line_ex(NULL, msg, &ev) == 1;
}

/* One kernel message (or a gap, msg NULL) in input order. */
static void deliver(struct input *in, const char *msg, const struct oom_line_meta *m)
{
	struct held *h;

	if (msg)
		order_key(in, m);
	if (!in->streaming && in->dec == 0 && in->inc >= ORDER_STREAK) {
		release_held(in, false);
		in->streaming = true;
	}
	if (in->streaming) {
		feed(in, msg, m);
		return;
	}
	if (msg && !relevant(msg))
		return;
	if (in->heldbytes > BUF_MAX) {
		if (in->dec == 0) {
			/* no sign of newest-first: stream from here */
			release_held(in, false);
			in->streaming = true;
			feed(in, msg, m);
		} else {
			in->st->dropped++;
		}
		return;
	}
	if (in->nheld == in->heldcap) {
		size_t cap = in->heldcap ? in->heldcap * 2 : 256;
		struct held *n = realloc(in->held, cap * sizeof(*n));

		if (!n) {
			in->st->dropped++;
			return;
		}
		in->held = n;
		in->heldcap = cap;
	}
	h = &in->held[in->nheld];
	h->msg = NULL;
	if (msg) {
		h->msg = strdup(msg);
		if (!h->msg) {
			in->st->dropped++;
			return;
		}
		in->heldbytes += strlen(msg) + sizeof(*h);
	}
	h->meta = *m;
	in->nheld++;
}

/* ---- joining wrapped lines ---- */

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t l = strlen(suffix);

	return n >= l && memcmp(s + n - l, suffix, l) == 0;
}

/* The line before plainly goes on: a kill line cut after a word the
 * kernel never ends a line with. */
static bool wants_more(const char *s, size_t n)
{
	static const char *const tails[] = {
		"Killed process",
		"Kill process",
		"Killed",
		"Kill",
		"process",
		" score",
		" or",
		" sacrifice",
		",",
		"oom-killer:",
		"out of memory:",
		"Out of memory:",
		"total-vm:",
		"(",
	};

	for (size_t i = 0; i < ARRAY_SIZE(tails); i++)
		if (ends_with(s, n, tails[i]))
			return true;
	return false;
}

/* A fragment: how the rest of a kill or trigger line starts. */
static bool looks_continued(const char *s)
{
	static const char *const heads[] = {
		"anon-rss:",	   "file-rss:",	    "shmem-rss:", "UID:",
		"pgtables:",	   "oom_score_adj", "total-vm:",  "child",
		"sacrifice child", "order=",	    "gfp_mask=",  "score ",
		"or sacrifice",
	};
	const char *p = s;

	while (isdigit((unsigned char)*p))
		p++;
	if (p > s && p[0] == ' ' && p[1] == '(')
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(heads); i++)
		if (!strncmp(s, heads[i], strlen(heads[i])))
			return true;
	return false;
}

static void flush_pend(struct input *in)
{
	if (!in->have_pend)
		return;
	in->have_pend = false;
	deliver(in, in->pend, &in->pmeta);
}

/* Terminal widths: a line cut at exactly one of these lost no space. */
static bool terminal_width(size_t n)
{
	static const size_t widths[] = { 80, 100, 120, 132, 160, 200, 240 };

	for (size_t i = 0; i < ARRAY_SIZE(widths); i++)
		if (n == widths[i])
			return true;
	return false;
}

static void join_or_push(struct input *in, const char *msg, const struct oom_line_meta *m, bool any,
			 size_t rawlen)
{
	size_t n = strlen(msg);
	struct oom_event ev;

	if (in->have_pend && !any && n && msg[0] != '[' && oom_parse_line(msg, &ev) == 0 &&
	    (in->pany || wants_more(in->pend, in->plen) || looks_continued(msg)) &&
	    in->plen + n + 2 < EXPLAIN_LINE_MAX) {
		if (in->plen && in->pend[in->plen - 1] != ' ' && msg[0] != ' ' &&
		    !terminal_width(in->plast_raw))
			in->pend[in->plen++] = ' ';
		memcpy(in->pend + in->plen, msg, n + 1);
		in->plen += n;
		in->plast_raw = rawlen;
		in->st->joined++;
		return;
	}
	flush_pend(in);
	if (n >= EXPLAIN_LINE_MAX)
		n = EXPLAIN_LINE_MAX - 1;
	memcpy(in->pend, msg, n);
	in->pend[n] = '\0';
	in->plen = n;
	in->pany = any;
	in->pmeta = *m;
	in->plast_raw = rawlen;
	in->have_pend = true;
}

/* A message that may hold several lines ("#012" from rsyslog, "\n" in a
 * journal MESSAGE): each is a line of its own, with the same times. */
static void split_lines(struct input *in, const char *msg, const struct oom_line_meta *m, bool any,
			size_t rawlen)
{
	const char *s = msg;

	for (;;) {
		const char *nl = strchr(s, '\n'), *oct = strstr(s, "#012"), *e = nl;
		char part[2048];
		size_t n;

		if (oct && (!e || oct < e))
			e = oct;
		if (!e) {
			join_or_push(in, s, m, any, rawlen);
			return;
		}
		n = (size_t)(e - s);
		if (n >= sizeof(part))
			n = sizeof(part) - 1;
		memcpy(part, s, n);
		part[n] = '\0';
		join_or_push(in, part, m, any, rawlen);
		/* the parts after the first are lines of their own */
		any = true;
		s = e + (e == nl ? 1 : 4);
	}
}

/* ---- formats ---- */

static void kernel_message(struct input *in, const char *msg, const struct oom_line_meta *given,
			   bool kernel_known)
{
	struct oom_prefix p;
	struct oom_line_meta m = *given;

	/* a journal MESSAGE has no prefix of its own, but Loki's "line" may */
	oom_prefix_split(msg, &in->ps, in->qbuf, sizeof(in->qbuf), &p);
	if (!kernel_known && p.source == OOM_SRC_OTHER) {
		in->st->other_source++;
		return;
	}
	if (!m.has_ktime && p.has_ktime) {
		m.has_ktime = true;
		m.ktime = p.ktime;
	}
	if (!m.wall[0])
		snprintf(m.wall, sizeof(m.wall), "%s", p.wall);
	flush_pend(in);
	split_lines(in, p.msg, &m, true, 0);
}

static void usec_wall(const char *usec, char *out, size_t size)
{
	char *end;
	unsigned long long v = strtoull(usec, &end, 10);
	time_t t = (time_t)(v / 1000000);
	struct tm tm;

	out[0] = '\0';
	if (end == usec || !gmtime_r(&t, &tm))
		return;
	snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%06lluZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, v % 1000000);
}

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* journalctl -o json: MESSAGE is a string, or an array of bytes when it
 * is not valid UTF-8, or null when too large (--all lifts that). */
static void journal_json(struct input *in, const char *line, size_t len)
{
	json_error_t err;
	json_t *o = json_loadb(line, len, 0, &err), *msgv;
	struct oom_line_meta m = { 0 };
	const char *tr, *id, *v;
	char msg[4096];
	bool kernel;

	if (!o || !json_is_object(o)) {
		in->st->unreadable++;
		json_decref(o);
		return;
	}
	msgv = json_object_get(o, "MESSAGE");
	if (!msgv) {
		static const char *const alt[] = { "message", "line", "log", "msg" };

		for (size_t i = 0; i < ARRAY_SIZE(alt) && !msgv; i++)
			msgv = json_object_get(o, alt[i]);
	}
	msg[0] = '\0';
	if (json_is_string(msgv)) {
		snprintf(msg, sizeof(msg), "%s", json_string_value(msgv));
	} else if (json_is_array(msgv)) {
		size_t i, k = 0;
		json_t *b;

		json_array_foreach(msgv, i, b)
		{
			json_int_t c = json_integer_value(b);

			if (k + 1 >= sizeof(msg))
				break;
			msg[k++] = c > 0 && c < 256 ? (char)c : '?';
		}
		msg[k] = '\0';
	}
	tr = jstr(o, "_TRANSPORT");
	id = jstr(o, "SYSLOG_IDENTIFIER");
	kernel = (tr && !strcmp(tr, "kernel")) || (!tr && id && !strcmp(id, "kernel"));
	if ((tr || id) && !kernel) {
		in->st->other_source++;
		json_decref(o);
		return;
	}
	v = jstr(o, "_SOURCE_MONOTONIC_TIMESTAMP");
	if (!v)
		v = jstr(o, "__MONOTONIC_TIMESTAMP");
	if (v) {
		m.has_ktime = true;
		m.ktime = strtod(v, NULL) / 1e6;
	}
	v = jstr(o, "__REALTIME_TIMESTAMP");
	if (v)
		usec_wall(v, m.wall, sizeof(m.wall));
	if (msg[0])
		kernel_message(in, msg, &m, kernel);
	json_decref(o);
}

static void export_reset(struct input *in)
{
	in->xmsg[0] = '\0';
	in->xkernel_set = in->xkernel = in->xother = false;
	in->xhas_mono = in->xsrc_mono = false;
	in->xwall[0] = '\0';
}

static void export_end(struct input *in)
{
	struct oom_line_meta m = { 0 };

	if (in->xother) {
		in->st->other_source++;
	} else if (in->xmsg[0]) {
		m.has_ktime = in->xhas_mono;
		m.ktime = in->xmono;
		snprintf(m.wall, sizeof(m.wall), "%s", in->xwall);
		kernel_message(in, in->xmsg, &m, in->xkernel);
	}
	export_reset(in);
}

static void export_field(struct input *in, const char *key, size_t klen, const char *val,
			 size_t vlen)
{
#define KEY(k) (klen == strlen(k) && !memcmp(key, k, klen))
	if (KEY("MESSAGE")) {
		if (vlen >= EXPLAIN_LINE_MAX)
			vlen = EXPLAIN_LINE_MAX - 1;
		memcpy(in->xmsg, val, vlen);
		in->xmsg[vlen] = '\0';
		/* a binary MESSAGE may hold NULs: they end it */
	} else if (KEY("_TRANSPORT")) {
		in->xkernel_set = true;
		in->xkernel = vlen == 6 && !memcmp(val, "kernel", 6);
		in->xother = !in->xkernel;
	} else if (KEY("SYSLOG_IDENTIFIER") && !in->xkernel_set) {
		in->xkernel = vlen == 6 && !memcmp(val, "kernel", 6);
		in->xother = !in->xkernel;
	} else if (KEY("_SOURCE_MONOTONIC_TIMESTAMP") ||
		   (KEY("__MONOTONIC_TIMESTAMP") && !in->xsrc_mono)) {
		char num[32];

		snprintf(num, sizeof(num), "%.*s", (int)(vlen < 31 ? vlen : 31), val);
		in->xhas_mono = true;
		in->xmono = strtod(num, NULL) / 1e6;
		in->xsrc_mono = KEY("_SOURCE_MONOTONIC_TIMESTAMP");
	} else if (KEY("__REALTIME_TIMESTAMP")) {
		char num[32];

		snprintf(num, sizeof(num), "%.*s", (int)(vlen < 31 ? vlen : 31), val);
		usec_wall(num, in->xwall, sizeof(in->xwall));
	}
#undef KEY
}

static bool field_name(const char *s, size_t n, bool bare)
{
	size_t i = 0;

	if (!n || !(isupper((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (;
	     i < n && (isupper((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '_');
	     i++)
		;
	return bare ? i == n : i < n && s[i] == '=';
}

/* ---- the reader ---- */

static int fill(struct input *in)
{
	ssize_t n;

	if (in->start > 0) {
		memmove(in->buf, in->buf + in->start, in->end - in->start);
		in->end -= in->start;
		in->start = 0;
	}
	if (in->end == in->cap)
		return 0;
	do {
		n = read(in->fd, in->buf + in->end, in->cap - in->end);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		in->eof = true;
	in->end += (size_t)n;
	return 0;
}

/* Next physical line: 1 (NUL-terminated at *ret_len), 0 at the end. */
static int next_line(struct input *in, char **ret, size_t *ret_len)
{
	for (;;) {
		char *s = in->buf + in->start;
		size_t avail = in->end - in->start;
		char *nl = memchr(s, '\n', avail);
		int e;

		if (nl) {
			size_t n = (size_t)(nl - s);

			in->start += n + 1;
			if (in->skipping) {
				in->skipping = false;
				continue;
			}
			*nl = '\0';
			*ret = s;
			*ret_len = n;
			return 1;
		}
		if (avail >= EXPLAIN_LINE_MAX) {
			/* too long: count it once, skip to its end */
			if (!in->skipping) {
				in->st->unreadable++;
				in->st->lines++;
			}
			in->skipping = true;
			in->start = in->end;
		}
		if (in->eof) {
			if (!avail || in->skipping)
				return 0;
			in->buf[in->end] = '\0';
			in->start = in->end;
			*ret = s;
			*ret_len = avail;
			return 1;
		}
		e = fill(in);
		if (e < 0)
			return e;
	}
}

/* n raw bytes (a binary export field): up to size kept in dst. */
static int read_bytes(struct input *in, uint64_t n, char *dst, size_t size, size_t *ret_kept)
{
	size_t kept = 0;

	while (n) {
		size_t avail = in->end - in->start, take;
		int e;

		if (!avail) {
			if (in->eof)
				return -EIO;
			e = fill(in);
			if (e < 0)
				return e;
			continue;
		}
		take = avail < n ? avail : (size_t)n;
		if (kept < size) {
			size_t c = take < size - kept ? take : size - kept;

			memcpy(dst + kept, in->buf + in->start, c);
			kept += c;
		}
		in->start += take;
		n -= take;
	}
	*ret_kept = kept;
	return 0;
}

static void text_line(struct input *in, char *s, size_t n)
{
	struct oom_prefix p;
	struct oom_line_meta m = { 0 };
	size_t rawlen;

	while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	if (memchr(s, '\0', n)) {
		in->st->unreadable++;
		return;
	}
	/* quoted in a mail reply */
	while (s[0] == '>') {
		s++;
		n--;
		if (s[0] == ' ') {
			s++;
			n--;
		}
	}
	rawlen = n;
	if (!strcmp(s, "--")) {
		flush_pend(in);
		deliver(in, NULL, &m);
		return;
	}
	if (s[0] == '#')
		return;
	if (s[0] == '{') {
		flush_pend(in);
		journal_json(in, s, n);
		return;
	}
	/* a /dev/kmsg capture: "prio,seq,usec,flags;msg", its " KEY=value"
	 * dictionary lines after each record */
	if (in->raw && s[0] == ' ')
		return;
	if (isdigit((unsigned char)s[0])) {
		struct kmsg_record rec;

		if (kmsg_parse_record(s, n, &rec) == 0) {
			in->raw = true;
			s[rec.msg - s + rec.msg_len] = '\0';
			m.has_ktime = true;
			m.ktime = (double)rec.usec / 1e6;
			flush_pend(in);
			split_lines(in, rec.msg, &m, true, rawlen);
			return;
		}
	}
	if (!n) {
		flush_pend(in);
		return;
	}
	oom_prefix_split(s, &in->ps, in->qbuf, sizeof(in->qbuf), &p);
	if (p.source == OOM_SRC_OTHER) {
		in->st->other_source++;
		flush_pend(in);
		return;
	}
	m.has_ktime = p.has_ktime;
	m.ktime = p.ktime;
	snprintf(m.wall, sizeof(m.wall), "%s", p.wall);
	split_lines(in, p.msg, &m, p.any, rawlen);
}

static int run(struct input *in)
{
	char *s;
	size_t n;
	int k;

	while ((k = next_line(in, &s, &n)) == 1) {
		in->st->lines++;
		if (!in->export &&
		    (!strncmp(s, "__CURSOR=", 9) || !strncmp(s, "__REALTIME_TIMESTAMP=", 21)))
			in->export = true;
		if (in->export) {
			if (n == 0) {
				export_end(in);
			} else if (field_name(s, n, false)) {
				const char *eq = memchr(s, '=', n);

				export_field(in, s, (size_t)(eq - s), eq + 1,
					     n - (size_t)(eq + 1 - s));
			} else if (field_name(s, n, true)) {
				char key[64], le[8];
				size_t kept, klen = n < sizeof(key) ? n : sizeof(key) - 1;
				uint64_t len = 0;
				int e;

				memcpy(key, s, klen);
				e = read_bytes(in, 8, le, sizeof(le), &kept);
				for (int i = 7; e == 0 && i >= 0; i--)
					len = len << 8 | (unsigned char)le[i];
				if (e == 0)
					e = read_bytes(in, len, in->qbuf, sizeof(in->qbuf) - 1,
						       &kept);
				if (e == 0)
					e = read_bytes(in, 1, le, 1, &kept);
				if (e < 0) {
					in->st->unreadable++;
					break;
				}
				in->qbuf[kept] = '\0';
				export_field(in, key, klen, in->qbuf, strnlen(in->qbuf, kept));
			} else {
				/* not a field: the export ended, text follows */
				export_end(in);
				in->export = false;
				text_line(in, s, n);
			}
			continue;
		}
		text_line(in, s, n);
	}
	if (in->export)
		export_end(in);
	flush_pend(in);
	if (!in->streaming) {
		in->st->reversed = in->st->reversed || in->dec > in->inc;
		release_held(in, in->dec > in->inc);
	}
	return k < 0 ? k : 0;
}

int explain_read_fd(int fd, struct oom_assembler *a, struct explain_stats *st)
{
	struct input *in;
	int e;

	if (fd < 0 || !a || !st)
		return -EINVAL;
	in = calloc(1, sizeof(*in));
	if (!in)
		return -ENOMEM;
	in->fd = fd;
	in->a = a;
	in->st = st;
	in->cap = EXPLAIN_LINE_MAX + READ_CHUNK;
	in->buf = malloc(in->cap + 1);
	in->pend = malloc(EXPLAIN_LINE_MAX + 1);
	in->xmsg = malloc(EXPLAIN_LINE_MAX);
	if (!in->buf || !in->pend || !in->xmsg) {
		e = -ENOMEM;
		goto out;
	}
	export_reset(in);
	e = run(in);
out:
	for (size_t i = 0; i < in->nheld; i++)
		free(in->held[i].msg);
	free(in->held);
	free(in->buf);
	free(in->pend);
	free(in->xmsg);
	free(in);
	return e;
}
