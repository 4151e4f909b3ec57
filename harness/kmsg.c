// SPDX-License-Identifier: MIT
/*
 * /dev/kmsg reader and the parser of OOM-killer lines of every kernel era.
 * The formats quoted here come from mm/oom_kill.c and mm/memcontrol.c of
 * the versions named, and from the captures in tests/fixtures/kmsg/.
 */
#include <ctype.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "kmsg.h"
#include "util.h"

/*
 * CONSOLE_EXT_LOG_MAX: the largest record devkmsg_read() hands out; a
 * smaller buffer makes read() fail with EINVAL, not truncate.
 */
#define KMSG_BUF_SIZE 8192

static int parse_u64(const char **p, uint64_t *ret)
{
	const char *s = *p;
	uint64_t v = 0;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	for (; isdigit((unsigned char)*s); s++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*p = s;
	*ret = v;
	return 0;
}

int kmsg_parse_record(const char *buf, size_t len, struct kmsg_record *ret)
{
	const char *p = buf, *end = buf + len, *semi, *nl;
	uint64_t prio, seq, usec;
	char flags;

	if (!buf || !ret)
		return -EINVAL;
	semi = memchr(buf, ';', len);
	if (!semi)
		return -EINVAL;
	if (parse_u64(&p, &prio) < 0 || *p++ != ',' || prio > 0xffff)
		return -EINVAL;
	if (parse_u64(&p, &seq) < 0 || *p++ != ',')
		return -EINVAL;
	if (parse_u64(&p, &usec) < 0 || *p++ != ',')
		return -EINVAL;
	if (p >= semi)
		return -EINVAL;
	flags = *p++;
	/*
	 * Later fields are optional and comma-separated (",caller=T123" with
	 * CONFIG_PRINTK_CALLER, >= 5.1): skip them.
	 */
	if (p != semi && *p != ',')
		return -EINVAL;
	p = semi + 1;
	/* Continuation lines (" SUBSYSTEM=acpi") follow the first newline. */
	nl = memchr(p, '\n', (size_t)(end - p));
	if (!nl)
		nl = end;
	ret->prio = (int)prio;
	ret->seq = seq;
	ret->usec = usec;
	ret->flags = flags;
	ret->msg = p;
	ret->msg_len = (size_t)(nl - p);
	return 0;
}

/* ---- OOM line parser ---------------------------------------------------- */

enum row_col {
	COL_SKIP = 0,
	COL_UID,
	COL_TGID,
	COL_TOTAL_VM,
	COL_RSS,
	COL_RSS_ANON,
	COL_RSS_FILE,
	COL_RSS_SHMEM,
	COL_NR_PTES,
	COL_NR_PMDS,
	COL_PGTABLES_BYTES,
	COL_SWAPENTS,
	COL_OOM_SCORE_ADJ,
};

static const struct {
	const char *name;
	enum row_col col;
} row_col_names[] = {
	{ "uid", COL_UID },
	{ "tgid", COL_TGID },
	{ "total_vm", COL_TOTAL_VM },
	{ "rss", COL_RSS },
	{ "rss_anon", COL_RSS_ANON },
	{ "rss_file", COL_RSS_FILE },
	{ "rss_shmem", COL_RSS_SHMEM },
	{ "nr_ptes", COL_NR_PTES },
	{ "nr_pmds", COL_NR_PMDS },
	{ "pgtables_bytes", COL_PGTABLES_BYTES },
	{ "swapents", COL_SWAPENTS },
	{ "oom_score_adj", COL_OOM_SCORE_ADJ },
	/* "cpu" and legacy "oom_adj" (<= 3.7) have no field: COL_SKIP */
};

/* nr_ptes/nr_pmds count page-table pages; the captures are x86 (4 KiB). */
#define ROW_PAGE_SIZE 4096L

static void event_init(struct oom_event *ev, enum oom_event_type type)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->pid = -1;
	ev->total_vm_kb = -1;
	ev->anon_rss_kb = -1;
	ev->file_rss_kb = -1;
	ev->shmem_rss_kb = -1;
	ev->pgtables_kb = -1;
	ev->row_total_vm = -1;
	ev->row_rss = -1;
	ev->row_pgtables_bytes = -1;
	ev->row_swapents = -1;
	ev->row_rss_anon = -1;
	ev->row_rss_file = -1;
	ev->row_rss_shmem = -1;
	ev->row_tgid = -1;
	ev->usage_kb = -1;
	ev->limit_kb = -1;
	ev->value = -1;
}

static void copy_str(char *dst, size_t size, const char *s, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int parse_long(const char **p, long *ret)
{
	const char *s = *p;
	char *end;
	long v;

	if (!isdigit((unsigned char)*s) && !(*s == '-' && isdigit((unsigned char)s[1])))
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno)
		return -ERANGE;
	*p = end;
	*ret = v;
	return 0;
}

/*
 * "(NAME)" -> comm. A comm may hold spaces and parentheses; it ends at the
 * first ')' followed by the end, a space, a comma or a dot, which is what
 * every era prints after it.
 */
static int parse_comm(const char **p, char *comm, size_t size)
{
	const char *s = *p, *c;

	if (*s != '(')
		return -EINVAL;
	for (c = s + 1; *c; c++) {
		if (*c == ')' && (!c[1] || c[1] == ' ' || c[1] == ',' || c[1] == '.'))
			break;
	}
	if (!*c)
		return -EINVAL;
	copy_str(comm, size, s + 1, (size_t)(c - s - 1));
	*p = c + 1;
	return 0;
}

/* ", UID 0," as RHEL 6/7 kernels insert around the comm. */
static void skip_rhel_uid(const char **p, struct oom_event *ev)
{
	const char *s = *p;
	long uid;

	if (*s == ',')
		s++;
	while (*s == ' ')
		s++;
	if (!starts_with(s, "UID "))
		return;
	s += 4;
	if (parse_long(&s, &uid) < 0)
		return;
	ev->has_uid = true;
	ev->uid = uid;
	if (*s == ',')
		s++;
	while (*s == ' ')
		s++;
	*p = s;
}

/*
 * "total-vm:43540kB, anon-rss:41216kB, ..., UID:0 pgtables:124kB
 * oom_score_adj:0" (>= 5.x), "vsz:..kB, anon-rss:..kB, file-rss:..kB"
 * (2.6.32 - 2.6.35): key:value pairs separated by ", " or " ".
 */
static void parse_kb_fields(const char *s, struct oom_event *ev)
{
	while (*s) {
		const char *key = s, *colon;
		size_t klen;
		long v;

		while (*s && *s != ':' && *s != ' ' && *s != ',')
			s++;
		if (*s != ':') {
			while (*s == ' ' || *s == ',' || *s == '.')
				s++;
			if (s == key)
				s++;
			continue;
		}
		colon = s++;
		klen = (size_t)(colon - key);
		if (parse_long(&s, &v) < 0)
			continue;
#define KEY_IS(k) (klen == strlen(k) && strncmp(key, k, klen) == 0)
		/* a size the kernel printed is digits then "kB"; anything else
		 * ("26,184,840kB" as a user reformatted it) is not read */
		if (!KEY_IS("UID") && !KEY_IS("oom_score_adj") && strncmp(s, "kB", 2) != 0)
			continue;
		if (KEY_IS("total-vm") || KEY_IS("vsz"))
			ev->total_vm_kb = v;
		else if (KEY_IS("anon-rss"))
			ev->anon_rss_kb = v;
		else if (KEY_IS("file-rss"))
			ev->file_rss_kb = v;
		else if (KEY_IS("shmem-rss"))
			ev->shmem_rss_kb = v;
		else if (KEY_IS("pgtables")) {
			ev->has_pgtables = true;
			ev->pgtables_kb = v;
		} else if (KEY_IS("UID")) {
			ev->has_uid = true;
			ev->uid = v;
		} else if (KEY_IS("oom_score_adj")) {
			ev->has_adj = true;
			ev->oom_score_adj = v;
		}
#undef KEY_IS
	}
}

/* "PID (NAME)" with the RHEL ", UID U," either side of the name. */
static int parse_pid_comm(const char *s, struct oom_event *ev, const char **ret_end)
{
	long pid;

	if (parse_long(&s, &pid) < 0 || pid < 0)
		return -EINVAL;
	ev->pid = (pid_t)pid;
	skip_rhel_uid(&s, ev);
	if (*s == ' ')
		s++;
	if (*s == '(') {
		if (parse_comm(&s, ev->comm, sizeof(ev->comm)) < 0)
			return -EINVAL;
		skip_rhel_uid(&s, ev);
	}
	*ret_end = s;
	return 0;
}

static bool prefix_is_memcg(const char *msg, const char *at)
{
	static const char memcg[] = "Memory cgroup out of memory";

	/* anywhere before the kill: an unknown prefix may precede it */
	return memmem(msg, (size_t)(at - msg), memcg, sizeof(memcg) - 1) != NULL;
}

/*
 * The kernel prints "Killed process" / "Kill process" at the start of the
 * message (2.6.36 - 4.18) or after "...out of memory: " (the message of
 * out_of_memory() and the memcg's, 2.6.x and >= 5.x), with
 * " (oom_kill_allocating_task)" when that sysctl chose the task. Anything
 * else before it is somebody quoting the kernel (a daemon's own log
 * line), which is no kill.
 */
static bool kill_prefix_ok(const char *msg, const char *at, bool *ret_alloc)
{
	static const char *const tails[] = {
		"out of memory: ",
		"Out of memory: ",
		"Out of Memory: ",
		"out of memory (oom_kill_allocating_task): ",
		"Out of memory (oom_kill_allocating_task): ",
	};
	size_t n = (size_t)(at - msg);

	*ret_alloc = false;
	if (n == 0)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(tails); i++) {
		size_t l = strlen(tails[i]);

		/* the phrase opens the message ("Memory cgroup " may lead it):
		 * "kill big (pid 99): Out of memory: Killed process 99" is
		 * oomlab's own line quoting the kernel */
		if (n >= l && strncmp(at - l, tails[i], l) == 0 &&
		    (n == l || (n == l + 14 && starts_with(msg, "Memory cgroup ")))) {
			*ret_alloc = strstr(tails[i], "allocating") != NULL;
			return true;
		}
	}
	return false;
}

/*
 * ">= 5.x: "... out of memory: Killed process N (X) total-vm:..",
 * 2.6.36 - 4.18: "Killed process N (X) total-vm:..", RHEL:
 * "Killed process N (X), UID U, total-vm:.." / "Killed process N, UID U,
 * (X) total-vm:..", <= 2.6.31: "Killed process N (X)".
 */
static int parse_killed(const char *msg, const char *at, struct oom_event *ev)
{
	const char *s = at + strlen("Killed process ");
	bool alloc;

	if (!kill_prefix_ok(msg, at, &alloc))
		return 0;
	event_init(ev, OOM_EV_KILLED);
	if (parse_pid_comm(s, ev, &s) < 0)
		return 0;
	ev->allocating_task = alloc;
	ev->memcg = prefix_is_memcg(msg, at);
	parse_kb_fields(s, ev);
	return 1;
}

/*
 * "Out of memory: Kill process N (X) score S or sacrifice child" (2.6.36 -
 * 4.18), "Out of memory: kill process N (X) score S or a child" (2.6.2x -
 * 2.6.35), "Out of Memory: Kill process N (X) score S and children." (older).
 */
static int parse_selected(const char *msg, const char *at, struct oom_event *ev)
{
	const char *s = at + strlen("Kill process ");
	bool alloc;
	long score;

	if (!kill_prefix_ok(msg, at, &alloc))
		return 0;
	event_init(ev, OOM_EV_SELECTED);
	if (parse_pid_comm(s, ev, &s) < 0)
		return 0;
	ev->allocating_task = alloc;
	ev->memcg = prefix_is_memcg(msg, at);
	/* 2.6.36 - 4.x oom_kill_process(): "Kill process N (X) sharing same
	 * memory" for each other process on the victim's mm: a kill */
	if (strstr(s, "sharing same memory")) {
		ev->type = OOM_EV_KILLED;
		ev->mm_sharer = true;
		return 1;
	}
	if (starts_with(s, " score ")) {
		s += strlen(" score ");
		if (parse_long(&s, &score) == 0) {
			ev->has_score = true;
			ev->score = score;
		}
	}
	return 1;
}

/* "oom_reaper: reaped process N (X), now anon-rss:0kB, ..." (>= 4.6) */
static int parse_reaped(const char *msg, struct oom_event *ev)
{
	const char *s = msg + strlen("oom_reaper: reaped process ");

	event_init(ev, OOM_EV_REAPED);
	if (parse_pid_comm(s, ev, &s) < 0)
		return 0;
	parse_kb_fields(s, ev);
	return 1;
}

/*
 * "X invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0,
 * oom_score_adj=0"; 2.6.36 - 3.x also print "oom_adj=N, " before it and
 * <= 2.6.35 print only "oomkilladj=N" (legacy oom_adj: no score_adj).
 */
static int parse_invoked(const char *msg, const char *at, struct oom_event *ev)
{
	const char *s;
	long adj;

	event_init(ev, OOM_EV_INVOKED);
	copy_str(ev->comm, sizeof(ev->comm), msg, (size_t)(at - msg));
	s = strstr(at, "gfp_mask=");
	if (s) {
		s += strlen("gfp_mask=");
		copy_str(ev->gfp_mask, sizeof(ev->gfp_mask), s, strcspn(s, ", "));
	}
	s = strstr(at, "order=");
	if (s) {
		s += strlen("order=");
		if (parse_long(&s, &adj) == 0) {
			ev->has_order = true;
			ev->order = adj;
		}
	}
	s = strstr(at, "oom_score_adj=");
	if (s) {
		s += strlen("oom_score_adj=");
		if (parse_long(&s, &adj) == 0) {
			ev->has_adj = true;
			ev->oom_score_adj = adj;
		}
	}
	return 1;
}

static const char *const constraint_keys[] = {
	"constraint", "nodemask", "cpuset", "mems_allowed", "oom_memcg",
	"task_memcg", "task",	  "pid",    "uid",	    "global_oom",
};

/* Does s start a known "key=" (or the bare "global_oom") token? */
static bool constraint_key_at(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(constraint_keys); i++) {
		size_t n = strlen(constraint_keys[i]);

		if (strncmp(s, constraint_keys[i], n) == 0 &&
		    (s[n] == '=' || s[n] == ',' || s[n] == '\0'))
			return true;
	}
	return false;
}

/*
 * ">= 4.19: oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,
 * mems_allowed=0,oom_memcg=/X,task_memcg=/Y,task=NAME,pid=N,uid=U".
 * Global OOMs print ",global_oom" instead of oom_memcg; nodemask,
 * cpuset and mems_allowed come and go with the config. Values may hold
 * commas (mems_allowed=0,2; cgroup paths; comms), so a field ends only
 * where the next known key starts.
 */
static int parse_constraint(const char *msg, struct oom_event *ev)
{
	const char *s = msg + strlen("oom-kill:");

	event_init(ev, OOM_EV_CONSTRAINT);
	while (*s) {
		const char *key = s, *eq, *val, *end;
		size_t klen, vlen;
		long v;

		end = s;
		do {
			end = strchr(end + 1, ',');
		} while (end && !constraint_key_at(end + 1));
		if (!end)
			end = s + strlen(s);
		eq = memchr(key, '=', (size_t)(end - key));
		if (!eq) {
			if ((size_t)(end - key) == strlen("global_oom") &&
			    starts_with(key, "global_oom"))
				ev->memcg = false;
			s = *end ? end + 1 : end;
			continue;
		}
		klen = (size_t)(eq - key);
		val = eq + 1;
		vlen = (size_t)(end - val);
#define KEY_IS(k) (klen == strlen(k) && strncmp(key, k, klen) == 0)
		if (KEY_IS("constraint")) {
			static const struct {
				const char *name;
				enum oom_constraint c;
			} names[] = {
				{ "CONSTRAINT_NONE", OOM_CONSTRAINT_NONE },
				{ "CONSTRAINT_CPUSET", OOM_CONSTRAINT_CPUSET },
				{ "CONSTRAINT_MEMORY_POLICY", OOM_CONSTRAINT_MEMORY_POLICY },
				{ "CONSTRAINT_MEMCG", OOM_CONSTRAINT_MEMCG },
			};

			for (size_t i = 0; i < ARRAY_SIZE(names); i++)
				if (vlen == strlen(names[i].name) &&
				    strncmp(val, names[i].name, vlen) == 0)
					ev->constraint = names[i].c;
			ev->memcg = ev->constraint == OOM_CONSTRAINT_MEMCG;
		} else if (KEY_IS("oom_memcg")) {
			copy_str(ev->oom_memcg, sizeof(ev->oom_memcg), val, vlen);
		} else if (KEY_IS("task_memcg")) {
			copy_str(ev->task_memcg, sizeof(ev->task_memcg), val, vlen);
		} else if (KEY_IS("task")) {
			copy_str(ev->comm, sizeof(ev->comm), val, vlen);
		} else if (KEY_IS("pid")) {
			const char *p = val;

			if (parse_long(&p, &v) == 0 && p == end)
				ev->pid = (pid_t)v;
		} else if (KEY_IS("uid")) {
			const char *p = val;

			if (parse_long(&p, &v) == 0 && p == end) {
				ev->has_uid = true;
				ev->uid = v;
			}
		}
#undef KEY_IS
		s = *end ? end + 1 : end;
	}
	return 1;
}

static bool is_task_header(const char *msg)
{
	return msg[0] == '[' && strstr(msg, "pid") && strstr(msg, "total_vm") &&
	       strstr(msg, "name");
}

/* "[  pid  ]   uid  tgid total_vm      rss ... oom_score_adj name" */
static void learn_era_hint(struct oom_parser *p, const char *msg)
{
	const char *hint = "";

	/* the columns of dump_tasks() by version (mm/oom_kill.c) */
	if (strstr(msg, "rss_anon"))
		hint = "6.0";
	else if (strstr(msg, "pgtables_bytes"))
		hint = "4.15";
	else if (strstr(msg, "nr_ptes"))
		hint = "3.8";
	else if (strstr(msg, " cpu ") && strstr(msg, "oom_score_adj"))
		hint = "2.6.36";
	else if (strstr(msg, " cpu "))
		hint = "2.6.32";
	snprintf(p->era_hint, sizeof(p->era_hint), "%s", hint);
}

static void learn_task_header(struct oom_parser *p, const char *msg)
{
	const char *s = strchr(msg, ']');

	p->ncols = 0;
	learn_era_hint(p, msg);
	if (!s)
		return;
	s++;
	for (;;) {
		const char *w;
		size_t n;
		unsigned char col = COL_SKIP;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		w = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		n = (size_t)(s - w);
		if (n == 4 && strncmp(w, "name", 4) == 0 && !*s)
			return;
		for (size_t i = 0; i < ARRAY_SIZE(row_col_names); i++)
			if (n == strlen(row_col_names[i].name) &&
			    strncmp(w, row_col_names[i].name, n) == 0)
				col = (unsigned char)row_col_names[i].col;
		if (p->ncols == OOM_PARSER_MAX_COLS) {
			p->ncols = 0;
			return;
		}
		p->col[p->ncols++] = col;
	}
	/* no trailing "name": not a header we understand */
	p->ncols = 0;
}

/*
 * Without a header: the widths of the known layouts, and the columns all
 * layouts of that width agree on.
 */
static const unsigned char *guess_layout(unsigned int n)
{
	/* >= 6.x: rss rss_anon rss_file rss_shmem pgtables_bytes swapents adj */
	static const unsigned char w10[] = {
		COL_UID,      COL_TGID,	     COL_TOTAL_VM,	 COL_RSS,      COL_RSS_ANON,
		COL_RSS_FILE, COL_RSS_SHMEM, COL_PGTABLES_BYTES, COL_SWAPENTS, COL_OOM_SCORE_ADJ,
	};
	/* 4.1 - 4.14: rss nr_ptes nr_pmds swapents adj */
	static const unsigned char w8[] = {
		COL_UID,     COL_TGID,	  COL_TOTAL_VM, COL_RSS,
		COL_NR_PTES, COL_NR_PMDS, COL_SWAPENTS, COL_OOM_SCORE_ADJ,
	};
	/* 2.6.36 - 3.7 "cpu oom_adj", 3.8 - 4.0 "nr_ptes swapents",
	 * 4.15+ "pgtables_bytes swapents": only the last column agrees */
	static const unsigned char w7[] = {
		COL_UID, COL_TGID, COL_TOTAL_VM, COL_RSS, COL_SKIP, COL_SKIP, COL_OOM_SCORE_ADJ,
	};
	/* 2.6.32 - 2.6.35: rss cpu oom_adj (legacy adj, no score_adj) */
	static const unsigned char w6[] = {
		COL_UID, COL_TGID, COL_TOTAL_VM, COL_RSS, COL_SKIP, COL_SKIP,
	};

	switch (n) {
	case 10:
		return w10;
	case 8:
		return w8;
	case 7:
		return w7;
	case 6:
		return w6;
	default:
		return NULL;
	}
}

#define ROW_MAX_NUMS 24

/* "[   4414]     0  4414     5735     5431 ... 500 hog" */
static int parse_task_row(const struct oom_parser *p, const char *msg, struct oom_event *ev,
			  bool ext)
{
	const char *s = msg + 1, *name;
	const unsigned char *cols;
	long nums[ROW_MAX_NUMS], pid, nr_ptes = -1, nr_pmds = -1;
	const char *starts[ROW_MAX_NUMS];
	unsigned int n = 0, ncols;

	while (*s == ' ')
		s++;
	if (parse_long(&s, &pid) < 0 || pid < 0)
		return 0;
	while (*s == ' ')
		s++;
	if (*s++ != ']')
		return 0;
	for (;;) {
		const char *t;

		while (*s == ' ')
			s++;
		t = s;
		if (n == ROW_MAX_NUMS || parse_long(&s, &nums[n]) < 0 || (*s && *s != ' '))
			break;
		starts[n++] = t;
	}
	name = s;
	if (p && p->ncols) {
		if (n < p->ncols)
			return 0;
		ncols = p->ncols;
		cols = p->col;
	} else {
		/* a comm can be all digits: then it was eaten as a number */
		if (!*name && n) {
			name = starts[--n];
		}
		ncols = n;
		cols = guess_layout(n);
		/*
		 * Seven columns without a header: the fifth is pgtables_bytes
		 * (4.15+) when it is a multiple of the page size, which
		 * nr_ptes (3.8 - 4.0) and cpu (2.6.36 - 3.7), small counts,
		 * are not in practice. Only assemblers ask (ext), so the
		 * plain parser's callers see what they always saw.
		 */
		if (ext && n == 7 && nums[4] > 0 && nums[4] % ROW_PAGE_SIZE == 0) {
			static const unsigned char w7_415[] = {
				COL_UID,	   COL_TGID,	       COL_TOTAL_VM,
				COL_RSS,	   COL_PGTABLES_BYTES, COL_SWAPENTS,
				COL_OOM_SCORE_ADJ,
			};

			cols = w7_415;
		}
		if (!cols)
			return 0;
	}
	if (ncols < n)
		name = starts[ncols];
	if (!*name)
		return 0;
	event_init(ev, OOM_EV_TASK_ROW);
	ev->pid = (pid_t)pid;
	copy_str(ev->comm, sizeof(ev->comm), name, strlen(name));
	for (unsigned int i = 0; i < ncols; i++) {
		long v = nums[i];

		switch ((enum row_col)cols[i]) {
		case COL_UID:
			ev->has_uid = true;
			ev->uid = v;
			break;
		case COL_TOTAL_VM:
			ev->row_total_vm = v;
			break;
		case COL_RSS:
			ev->row_rss = v;
			break;
		case COL_RSS_ANON:
			ev->row_rss_anon = v;
			break;
		case COL_RSS_FILE:
			ev->row_rss_file = v;
			break;
		case COL_RSS_SHMEM:
			ev->row_rss_shmem = v;
			break;
		case COL_NR_PTES:
			nr_ptes = v;
			break;
		case COL_NR_PMDS:
			nr_pmds = v;
			break;
		case COL_PGTABLES_BYTES:
			ev->row_pgtables_bytes = v;
			break;
		case COL_SWAPENTS:
			ev->row_swapents = v;
			break;
		case COL_OOM_SCORE_ADJ:
			ev->has_adj = true;
			ev->oom_score_adj = v;
			break;
		case COL_TGID:
			ev->row_tgid = v;
			break;
		case COL_SKIP:
			break;
		}
	}
	if (nr_ptes >= 0)
		ev->row_pgtables_bytes = (nr_ptes + (nr_pmds > 0 ? nr_pmds : 0)) * ROW_PAGE_SIZE;
	return 1;
}

/*
 * panic_on_oom: "Kernel panic - not syncing: Out of memory: system-wide
 * panic_on_oom is enabled" / "...: compulsory panic_on_oom is enabled" /
 * "Out of memory and no killable processes..." / "System is deadlocked on
 * memory" (>= 4.6, nothing left to kill).
 */
static bool is_oom_panic(const char *msg)
{
	static const char panic[] = "Kernel panic - not syncing: ";
	const char *s;

	if (!starts_with(msg, panic))
		return false;
	s = msg + sizeof(panic) - 1;
	return strncasecmp(s, "Out of memory", strlen("Out of memory")) == 0 ||
	       starts_with(s, "System is deadlocked on memory");
}

void oom_parser_init(struct oom_parser *p)
{
	memset(p, 0, sizeof(*p));
}

/*
 * Longest message we look at: PRINTK_MESSAGE_MAX (2048, 6.x); older
 * kernels cut lines at LOG_LINE_MAX (1024 - 32).
 */
#define OOM_LINE_MAX 2048

/* "CPU: 0 UID: 0 PID: 93 Comm: mem Not tainted 4.14.67+ #1" (UID: since
 * 6.x), "CPU: 2 PID: 7 Comm: x Tainted: G  W  O  5.4.0-77-generic #86",
 * 2.6.x "Pid: 1234, comm: java Not tainted 2.6.32-573.el6.x86_64 #1" */
static int parse_cpu(const char *msg, struct oom_event *ev)
{
	const char *s, *c, *t, *rel = NULL;
	long v;

	event_init(ev, OOM_EV_CPU);
	if (starts_with(msg, "Pid: ")) {
		s = msg + strlen("Pid: ");
		c = strstr(s, ", comm: ");
		if (!c)
			return 0;
		c += strlen(", comm: ");
	} else {
		s = strstr(msg, " PID: ");
		c = strstr(msg, " Comm: ");
		if (!s || !c)
			return 0;
		s += strlen(" PID: ");
		c += strlen(" Comm: ");
	}
	if (parse_long(&s, &v) < 0 || v < 0)
		return 0;
	ev->pid = (pid_t)v;
	t = strstr(c, " Not tainted ");
	if (t) {
		rel = t + strlen(" Not tainted ");
	} else if ((t = strstr(c, " Tainted: "))) {
		/* taint flags are letters and spaces; the release starts
		 * with a digit */
		rel = t + strlen(" Tainted: ");
		while (*rel && !isdigit((unsigned char)*rel))
			rel++;
	} else {
		t = c + strcspn(c, " ");
	}
	/* RHEL's "Comm: thrash Kdump: loaded Tainted: ..." (kdump status
	 * before the taint, 3.10.0-862 and later) */
	{
		const char *k = strstr(c, " Kdump: ");

		if (k && k < t)
			t = k;
	}
	copy_str(ev->comm, sizeof(ev->comm), c, (size_t)(t - c));
	if (rel && *rel)
		copy_str(ev->release, sizeof(ev->release), rel, strcspn(rel, " "));
	return 1;
}

/* mem_cgroup_print_oom_meminfo(): "memory: usage 65536kB, limit 65536kB,
 * failcnt 79" and the same for "swap", "memory+swap", "kmem" */
static int parse_memcg_usage(const char *msg, struct oom_event *ev)
{
	const char *s = strstr(msg, ": usage ");
	size_t n;
	long v;

	if (!s)
		return 0;
	n = (size_t)(s - msg);
	if (!((n == 6 && starts_with(msg, "memory")) || (n == 4 && starts_with(msg, "swap")) ||
	      (n == 11 && starts_with(msg, "memory+swap")) || (n == 4 && starts_with(msg, "kmem"))))
		return 0;
	event_init(ev, OOM_EV_MEMCG_USAGE);
	copy_str(ev->counter, sizeof(ev->counter), msg, n);
	s += strlen(": usage ");
	if (parse_long(&s, &v) < 0 || !starts_with(s, "kB, limit "))
		return 0;
	ev->usage_kb = v;
	s += strlen("kB, limit ");
	if (parse_long(&s, &v) < 0 || !starts_with(s, "kB"))
		return 0;
	ev->limit_kb = v;
	return 1;
}

/* show_mem(): "16777216 pages RAM", "403442 pages reserved"; show_swap_cache_info():
 * "Total swap = 0kB" */
static int parse_meminfo(const char *msg, struct oom_event *ev)
{
	const char *s = msg;
	long v;

	if (starts_with(msg, "Total swap = ")) {
		s += strlen("Total swap = ");
		if (parse_long(&s, &v) < 0 || strcmp(s, "kB") != 0)
			return 0;
		event_init(ev, OOM_EV_SWAP_TOTAL);
		ev->value = v;
		return 1;
	}
	if (parse_long(&s, &v) < 0 || v < 0)
		return 0;
	if (!strcmp(s, " pages RAM"))
		event_init(ev, OOM_EV_PAGES_RAM);
	else if (!strcmp(s, " pages reserved"))
		event_init(ev, OOM_EV_PAGES_RESERVED);
	else
		return 0;
	ev->value = v;
	return 1;
}

static int parser_line(struct oom_parser *p, const char *line, struct oom_event *ret, bool ext);

int oom_parser_line(struct oom_parser *p, const char *line, struct oom_event *ret)
{
	return parser_line(p, line, ret, false);
}

int oom_parser_line_ex(struct oom_parser *p, const char *line, struct oom_event *ret)
{
	return parser_line(p, line, ret, true);
}

static int parser_line(struct oom_parser *p, const char *line, struct oom_event *ret, bool ext)
{
	char msg[OOM_LINE_MAX];
	struct oom_event ev;
	const char *at, *y;
	size_t len;
	int r = 0;

	if (!line || !ret)
		return 0;
	/* captured text keeps its "\n" (or "\r\n"): drop trailing space */
	len = strnlen(line, sizeof(msg) - 1);
	while (len && isspace((unsigned char)line[len - 1]))
		len--;
	memcpy(msg, line, len);
	msg[len] = '\0';
	if (starts_with(msg, "oomlab: ")) {
		event_init(&ev, OOM_EV_MARKER);
		copy_str(ev.marker, sizeof(ev.marker), msg + strlen("oomlab: "),
			 strcspn(msg + strlen("oomlab: "), "\n"));
		r = 1;
	} else if ((at = strstr(msg, "oom-kill:"))) {
		/* anywhere: an unknown prefix (a log shipper's) may precede */
		r = parse_constraint(at, &ev);
	} else if ((at = strstr(msg, "oom_reaper: reaped process "))) {
		r = parse_reaped(at, &ev);
	} else if ((at = strstr(msg, "Killed process "))) {
		r = parse_killed(msg, at, &ev);
	} else if ((at = strstr(msg, "Kill process ")) || (at = strstr(msg, "kill process "))) {
		r = parse_selected(msg, at, &ev);
	} else if ((at = strstr(msg, " invoked oom-killer:"))) {
		r = parse_invoked(msg, at, &ev);
	} else if (msg[0] == '[') {
		if (is_task_header(msg)) {
			if (p)
				learn_task_header(p, msg);
			if (ext) {
				event_init(&ev, OOM_EV_TASK_HEADER);
				r = 1;
			}
		} else {
			r = parse_task_row(p, msg, &ev, ext);
		}
	} else if ((at = strstr(msg, "Tasks in ")) &&
		   (y = strstr(at, " are going to be killed due to memory.oom.group set"))) {
		/* >= 4.19 cgroup v2 memory.oom.group */
		event_init(&ev, OOM_EV_GROUP);
		ev.memcg = true;
		copy_str(ev.oom_memcg, sizeof(ev.oom_memcg), at + strlen("Tasks in "),
			 (size_t)(y - at - strlen("Tasks in ")));
		r = 1;
	} else if ((at = strstr(msg, "Task in ")) &&
		   (y = strstr(at, " killed as a result of limit of "))) {
		/* 2.6.x - 4.18 (replaced by the oom-kill: line in 4.19) */
		const char *lim = y + strlen(" killed as a result of limit of ");

		event_init(&ev, OOM_EV_MEMCG_LIMIT);
		ev.memcg = true;
		copy_str(ev.task_memcg, sizeof(ev.task_memcg), at + strlen("Task in "),
			 (size_t)(y - at - strlen("Task in ")));
		copy_str(ev.oom_memcg, sizeof(ev.oom_memcg), lim, strcspn(lim, "\n"));
		r = 1;
	} else if (is_oom_panic(msg)) {
		event_init(&ev, OOM_EV_PANIC);
		r = 1;
	} else if (!ext) {
		/* the report's other lines: only for callers that assemble */
	} else if (starts_with(msg, "CPU: ") || starts_with(msg, "Pid: ")) {
		r = parse_cpu(msg, &ev);
	} else if (strstr(msg, ": usage ")) {
		r = parse_memcg_usage(msg, &ev);
	} else if (isdigit((unsigned char)msg[0]) || starts_with(msg, "Total swap = ")) {
		r = parse_meminfo(msg, &ev);
	}
	if (r == 1)
		*ret = ev;
	return r;
}

int oom_parse_line(const char *msg, struct oom_event *ret)
{
	return oom_parser_line(NULL, msg, ret);
}

/* ---- prefixes of captured text ----------------------------------------- */

/* "12:34:56" at s (two digits, ':', two digits, ':', two digits) */
static bool clock_at(const char *s)
{
	return isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) && s[2] == ':' &&
	       isdigit((unsigned char)s[3]) && isdigit((unsigned char)s[4]) && s[5] == ':' &&
	       isdigit((unsigned char)s[6]) && isdigit((unsigned char)s[7]);
}

static void set_wall(struct oom_prefix *p, const char *s, size_t n)
{
	while (n && *s == ' ')
		s++, n--;
	while (n && s[n - 1] == ' ')
		n--;
	copy_str(p->wall, sizeof(p->wall), s, n);
}

/*
 * "[  162.598046] " (dmesg), "[Thu May 14 23:17:24 2020] " (dmesg -T, in
 * the C locale) or the same in any other ("[月  1月 26 10:11:12 2025] "):
 * the shape is a bracket holding a clock, never the day or month names,
 * which strftime() spells per locale. "[Jan26 10:11]" (dmesg -e) and
 * "[  +0.000123]" (dmesg -d) too. A Tasks-state row "[   4414]" has
 * neither '.' nor ':' and stays.
 */
static const char *skip_timestamp(const char *s, struct oom_prefix *p)
{
	const char *e = s + 1;
	bool dot = false, digits_only = true, clock = false;

	if (*s != '[')
		return s;
	for (; *e && *e != ']' && e - s < 80; e++) {
		if (*e == '.')
			dot = true;
		else if (*e == ':' && e > s + 1 && isdigit((unsigned char)e[-1]) &&
			 isdigit((unsigned char)e[1]))
			clock = true;
		else if (*e == '[')
			return s;
		else if (!isdigit((unsigned char)*e) && *e != ' ' && *e != '+')
			digits_only = false;
	}
	if (*e != ']')
		return s;
	if (digits_only && dot) {
		char *end;
		double t = strtod(s + 1, &end);

		/* "[  +0.000123]" (dmesg -d) is a delta, not a time */
		if (end > s + 1 && !memchr(s + 1, '+', (size_t)(e - s - 1))) {
			p->has_ktime = true;
			p->ktime = t;
		}
	} else if (clock) {
		set_wall(p, s + 1, (size_t)(e - s - 1));
	} else {
		return s;
	}
	e++;
	if (*e == ' ')
		e++;
	return e;
}

/* "[ T123]", "[  C1]": the caller id of CONFIG_PRINTK_CALLER (5.1+), right
 * after the timestamp or after a space */
static const char *skip_caller(const char *s)
{
	const char *e = s;

	if (*e != '[')
		return s;
	e++;
	while (*e == ' ')
		e++;
	if (*e != 'T' && *e != 'C')
		return s;
	e++;
	if (!isdigit((unsigned char)*e))
		return s;
	while (isdigit((unsigned char)*e))
		e++;
	if (*e != ']')
		return s;
	e++;
	if (*e == ' ')
		e++;
	return e;
}

/* "<4>" as dmesg -r and serial consoles print it */
static const char *skip_level(const char *s)
{
	const char *e = s + 1;

	if (*s != '<' || !isdigit((unsigned char)*e))
		return s;
	while (isdigit((unsigned char)*e))
		e++;
	return *e == '>' ? e + 1 : s;
}

/* "host ident: " at s (ident "kernel" or "prog[123]"); ret_end after it */
static bool host_ident_at(const char *s, const char **ret_ident, size_t *ret_len,
			  const char **ret_end)
{
	const char *h = s, *i;

	while (*h && *h != ' ' && *h != ':' && *h != '|' && *h != ',')
		h++;
	if (h == s || *h != ' ')
		return false;
	i = h + 1;
	h = i;
	while (*h && *h != ' ' && *h != ':')
		h++;
	if (h == i || *h != ':' || (h[1] != ' ' && h[1] != '\0'))
		return false;
	*ret_ident = i;
	*ret_len = (size_t)(h - i);
	*ret_end = h[1] ? h + 2 : h + 1;
	return true;
}

static enum oom_source ident_source(const char *ident, size_t n)
{
	return n == 6 && strncmp(ident, "kernel", 6) == 0 ? OOM_SRC_KERNEL : OOM_SRC_OTHER;
}

/*
 * A date with a clock, then "host ident: ": syslog and journalctl short
 * ("Jan 26 10:11:12", localised month names too), short-precise
 * (".123456"), short-iso and rsyslog ("2020-05-08T14:05:27.745+08:00"),
 * kern.log, messages. The date is recognised by its clock within the
 * first 40 bytes with no ':' or bracket before it, never by month names.
 * A line with a date but no "host ident:" (dmesg --time-format=iso) loses
 * the date only when it starts like an ISO date.
 */
static const char *skip_syslog(const char *s, struct oom_prefix *p)
{
	const char *c = NULL, *e, *ident, *end;
	size_t n;

	for (const char *q = s; *q && q - s < 40; q++) {
		if (clock_at(q)) {
			c = q;
			break;
		}
		if (*q == ':' || *q == '[' || *q == ']' || *q == '|' || *q == '"')
			return s;
	}
	if (!c)
		return s;
	e = c + 8;
	if ((*e == '.' || *e == ',') && isdigit((unsigned char)e[1]))
		for (e++; isdigit((unsigned char)*e); e++)
			;
	if (*e == 'Z') {
		e++;
	} else if ((*e == '+' || *e == '-') && isdigit((unsigned char)e[1])) {
		for (e++; isdigit((unsigned char)*e) || *e == ':'; e++)
			;
	}
	/* "Jan 26 10:11:12 2025 host" (some syslog daemons add the year) */
	if (*e == ' ' && isdigit((unsigned char)e[1]) && isdigit((unsigned char)e[2]) &&
	    isdigit((unsigned char)e[3]) && isdigit((unsigned char)e[4]) && e[5] == ' ')
		e += 5;
	if (*e != ' ')
		return s;
	if (host_ident_at(e + 1, &ident, &n, &end)) {
		set_wall(p, s, (size_t)(e - s));
		p->source = ident_source(ident, n);
		return end;
	}
	if (isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[3]) && s[4] == '-' &&
	    c - s >= 10 && c - s <= 11 && !strchr("|,;\t", e[1])) {
		set_wall(p, s, (size_t)(e - s));
		return e + 1;
	}
	return s;
}

static bool short_field(const char *s, size_t n)
{
	if (!n || n > 64 || s[0] == '[' || s[n - 1] == ':')
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] == ' ' || s[i] == '=' || s[i] == '(')
			return false;
	return true;
}

/* One field of an export: quoted ("" inside is a quote) or up to sep. */
static const char *export_field(const char *s, char sep, const char **ret_start, size_t *ret_len,
				bool *ret_quoted)
{
	while (*s == ' ')
		s++;
	*ret_quoted = *s == '"';
	if (*ret_quoted) {
		const char *q = s + 1;

		for (; *q; q++) {
			if (*q == '"' && q[1] == '"')
				q++;
			else if (*q == '"')
				break;
		}
		*ret_start = s + 1;
		*ret_len = (size_t)(q - s - 1);
		if (*q == '"')
			q++;
		while (*q == ' ')
			q++;
		return q;
	}
	*ret_start = s;
	while (*s && *s != sep)
		s++;
	*ret_len = (size_t)(s - *ret_start);
	while (*ret_len && (*ret_start)[*ret_len - 1] == ' ')
		(*ret_len)--;
	return s;
}

/*
 * Log-shipper exports (Kibana, Grafana/Loki, CSV): a timestamp field, a
 * few short fields (host, "kernel", a level), a separator ('|', tab, ';'
 * or ','), then the message, possibly quoted. The first field must hold a
 * clock or be an epoch number.
 */
static const char *skip_export(const char *s, struct oom_prefix_state *st, char *buf,
			       size_t bufsize, struct oom_prefix *p)
{
	static const char seps[] = "|\t;,";
	const char *f, *q, *msg;
	size_t n;
	bool quoted, clock = false;
	char sep = 0;
	int col;

	q = export_field(s, '\0', &f, &n, &quoted);
	if (quoted) {
		sep = *q;
	} else {
		n = strcspn(s, seps);
		sep = s[n];
		f = s;
		q = s + n;
		while (n && f[n - 1] == ' ')
			n--;
	}
	if (!sep || !strchr(seps, sep) || *q != sep || !n)
		return s;
	for (size_t i = 0; i + 5 <= n; i++)
		if (isdigit((unsigned char)f[i]) && f[i + 2] == ':' &&
		    isdigit((unsigned char)f[i + 3]))
			clock = true;
	if (!clock) {
		size_t d = 0;

		while (d < n && (isdigit((unsigned char)f[d]) || f[d] == '.'))
			d++;
		if (d != n || n < 9)
			return s;
	}
	if (st && st->sep && st->sep != sep)
		return s;
	set_wall(p, f, n);
	msg = q + 1;
	for (col = 1; col < 6; col++) {
		const char *fs, *next;
		size_t fl;
		bool fq;

		next = export_field(msg, sep, &fs, &fl, &fq);
		if (*next != sep || !short_field(fs, fl))
			break;
		if (fl == 6 && strncasecmp(fs, "kernel", 6) == 0) {
			p->source = OOM_SRC_KERNEL;
			if (st)
				st->kernel_col = col + 1;
		} else if (st && st->kernel_col == col + 1) {
			p->source = OOM_SRC_OTHER;
		}
		msg = next + 1;
	}
	if (st)
		st->sep = sep;
	while (*msg == ' ')
		msg++;
	if (*msg == '"' && buf && bufsize) {
		const char *fs;
		size_t fl, o = 0;
		bool fq;

		export_field(msg, sep, &fs, &fl, &fq);
		for (size_t i = 0; i < fl && o + 1 < bufsize; i++) {
			buf[o++] = fs[i];
			if (fs[i] == '"' && i + 1 < fl && fs[i + 1] == '"')
				i++;
		}
		buf[o] = '\0';
		return buf;
	}
	if (*msg == '"')
		msg++;
	return msg;
}

void oom_prefix_split(const char *line, struct oom_prefix_state *st, char *buf, size_t bufsize,
		      struct oom_prefix *ret)
{
	struct oom_prefix p = { .msg = line };
	const char *s = line, *prev;
	bool exported = false;

	if (!ret)
		return;
	if (!s) {
		*ret = p;
		return;
	}
	/* Any order and combination: "<4>[ 12.3] ", "Mon .. kernel: [ 12.3] ",
	 * "[ 12.3][ T12] ", "DATE | kernel | [ 12.3] " */
	do {
		const char *ident, *end;
		size_t n;

		prev = s;
		if (!strncmp(s, "kernel: ", 8)) {
			s += 8;
			p.source = OOM_SRC_KERNEL;
		}
		if (!p.wall[0] && !p.has_ktime)
			s = skip_syslog(s, &p);
		s = skip_level(s);
		if (!p.has_ktime && !p.wall[0]) {
			s = skip_timestamp(s, &p);
			/* journalctl -o short-monotonic: "[ 12.3] host kernel: " */
			if (s != prev && p.has_ktime && host_ident_at(s, &ident, &n, &end) &&
			    ident_source(ident, n) == OOM_SRC_KERNEL) {
				p.source = OOM_SRC_KERNEL;
				s = end;
			}
		} else if (*s == '[') {
			const char *t = skip_timestamp(s, &p);

			/* a second bracket: the kernel's own after syslog's */
			if (t != s && (p.has_ktime || !p.wall[0]))
				s = t;
		}
		s = skip_caller(s);
		if (!exported && s == prev) {
			const char *t = skip_export(s, st, buf, bufsize, &p);

			if (t != s) {
				exported = true;
				s = t;
			}
		}
	} while (s != prev);
	p.msg = s;
	p.any = s != line || p.wall[0] || p.has_ktime;
	*ret = p;
}

const char *oom_strip_prefix(const char *line)
{
	struct oom_prefix p;

	oom_prefix_split(line, NULL, NULL, 0, &p);
	return p.msg;
}

const char *oom_event_type_name(enum oom_event_type t)
{
	static const char *const names[] = {
		[OOM_EV_NONE] = "none",
		[OOM_EV_INVOKED] = "invoked",
		[OOM_EV_CONSTRAINT] = "constraint",
		[OOM_EV_SELECTED] = "selected",
		[OOM_EV_KILLED] = "killed",
		[OOM_EV_REAPED] = "reaped",
		[OOM_EV_GROUP] = "group",
		[OOM_EV_TASK_ROW] = "task-row",
		[OOM_EV_MEMCG_LIMIT] = "memcg-limit",
		[OOM_EV_PANIC] = "panic",
		[OOM_EV_MARKER] = "marker",
		[OOM_EV_CPU] = "cpu",
		[OOM_EV_MEMCG_USAGE] = "memcg-usage",
		[OOM_EV_PAGES_RAM] = "pages-ram",
		[OOM_EV_PAGES_RESERVED] = "pages-reserved",
		[OOM_EV_SWAP_TOTAL] = "swap-total",
		[OOM_EV_TASK_HEADER] = "task-header",
	};

	if ((unsigned int)t >= ARRAY_SIZE(names) || !names[t])
		return "unknown";
	return names[t];
}

/* ---- reader ------------------------------------------------------------- */

struct kmsg_reader {
	int fd;
	/*
	 * /dev/kmsg hands out one record per read(); a capture file is a
	 * stream of lines and is read with stdio instead.
	 */
	FILE *file;
	char *line;
	size_t line_cap;
	uint64_t lost;
	uint64_t last_seq;
	bool have_seq;
	bool overrun; /* EPIPE seen; the gap is settled by the next seq */
	char buf[KMSG_BUF_SIZE];
};

int kmsg_open(const char *path, bool seek_end, struct kmsg_reader **ret)
{
	_cleanup_close_ int fd = -1;
	struct kmsg_reader *r;
	struct stat st;

	if (!path || !ret)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	/* /dev/kmsg: SEEK_END skips history (>= 3.5, SEEK_DATA/SET too). */
	if (seek_end && lseek(fd, 0, SEEK_END) < 0)
		return -errno;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	if (!S_ISCHR(st.st_mode)) {
		r->file = fdopen(fd, "r");
		if (!r->file) {
			int e = -errno;

			free(r);
			return e;
		}
	}
	r->fd = TAKE_FD(fd);
	*ret = r;
	return 0;
}

static void account_seq(struct kmsg_reader *r, uint64_t seq)
{
	if (r->have_seq && seq > r->last_seq + 1) {
		uint64_t gap = seq - r->last_seq - 1;

		/* one was already counted when read() said EPIPE */
		r->lost += r->overrun ? gap - 1 : gap;
	}
	r->overrun = false;
	r->have_seq = true;
	r->last_seq = seq;
}

static int next_from_file(struct kmsg_reader *r, struct kmsg_record *ret)
{
	for (;;) {
		ssize_t n = getline(&r->line, &r->line_cap, r->file);
		struct kmsg_record rec;

		if (n < 0) {
			if (ferror(r->file)) {
				int e = errno ? -errno : -EIO;

				clearerr(r->file);
				return e;
			}
			/* caught up: like /dev/kmsg, more may be appended */
			clearerr(r->file);
			return -EAGAIN;
		}
		/* continuation lines belong to the record before; '#': comments */
		if (n == 0 || r->line[0] == ' ' || r->line[0] == '#' || r->line[0] == '\n')
			continue;
		if (kmsg_parse_record(r->line, (size_t)n, &rec) < 0)
			return -EINVAL;
		r->line[rec.msg - r->line + rec.msg_len] = '\0';
		account_seq(r, rec.seq);
		*ret = rec;
		return 0;
	}
}

int kmsg_next(struct kmsg_reader *r, struct kmsg_record *ret)
{
	struct kmsg_record rec;
	ssize_t n;
	int k;

	if (!r || !ret)
		return -EINVAL;
	if (r->file)
		return next_from_file(r, ret);
	do {
		n = read(r->fd, r->buf, sizeof(r->buf) - 1);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EPIPE) {
			/*
			 * The ring buffer wrapped past our position; the next
			 * read() returns the oldest record still there.
			 */
			r->lost++;
			r->overrun = true;
			return -EPIPE;
		}
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	}
	if (n == 0)
		return -EAGAIN;
	r->buf[n] = '\0';
	k = kmsg_parse_record(r->buf, (size_t)n, &rec);
	if (k < 0)
		return k;
	r->buf[rec.msg - r->buf + rec.msg_len] = '\0';
	account_seq(r, rec.seq);
	*ret = rec;
	return 0;
}

uint64_t kmsg_lost(const struct kmsg_reader *r)
{
	return r ? r->lost : 0;
}

int kmsg_fd(const struct kmsg_reader *r)
{
	return r ? r->fd : -EBADF;
}

void kmsg_close(struct kmsg_reader *r)
{
	if (!r)
		return;
	if (r->file)
		fclose(r->file); /* closes r->fd too */
	else if (r->fd >= 0)
		close(r->fd);
	free(r->line);
	free(r);
}

/*
 * One write() is one record (devkmsg_write). It must end in a newline:
 * since the lockless ringbuffer (5.10) a record without one stays open for
 * a continuation and readers do not see it until the next record arrives
 * (measured on 6.18: the marker showed up only after the next write). A
 * newline inside the text would become "\x0a" in the record: refuse it so
 * that a marker stays one line that parses back. Writers are rate-limited
 * per open file by printk.devkmsg=ratelimit (default since 4.10: a burst of
 * 10 per 5 s); we open once per marker.
 */
int kmsg_write_marker(const char *path, const char *text)
{
	_cleanup_close_ int fd = -1;
	char buf[sizeof(((struct oom_event *)0)->marker) + sizeof("oomlab: \n")];
	size_t len;
	ssize_t n;

	if (!path || !text || strchr(text, '\n'))
		return -EINVAL;
	len = strlen(text);
	if (len >= sizeof(((struct oom_event *)0)->marker))
		return -EINVAL;
	len = (size_t)snprintf(buf, sizeof(buf), "oomlab: %s\n", text);
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	do {
		n = write(fd, buf, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n != len)
		return -EIO;
	return 0;
}

/* "CONSTRAINT_MEMCG" as the kernel spells it; "unknown" for UNKNOWN. */
const char *oom_constraint_name(enum oom_constraint c)
{
	switch (c) {
	case OOM_CONSTRAINT_NONE:
		return "CONSTRAINT_NONE";
	case OOM_CONSTRAINT_CPUSET:
		return "CONSTRAINT_CPUSET";
	case OOM_CONSTRAINT_MEMORY_POLICY:
		return "CONSTRAINT_MEMORY_POLICY";
	case OOM_CONSTRAINT_MEMCG:
		return "CONSTRAINT_MEMCG";
	case OOM_CONSTRAINT_UNKNOWN:
		break;
	}
	return "unknown";
}
