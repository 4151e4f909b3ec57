// SPDX-License-Identifier: MIT
/*
 * oomlab explain: the command, the JSON document and the human table
 * (docs/explain.md). Inputs are read by explain-input.c, events built by
 * explain-event.c and checked by explain-model.c.
 */
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "explain.h"
#include "util.h"

/* Logs carry any bytes: JSON strings must be UTF-8, so invalid sequences
 * become U+FFFD. */
static json_t *jstr(const char *s)
{
	char out[1024];
	size_t o = 0;
	const unsigned char *p = (const unsigned char *)s;

	while (*p && o + 4 < sizeof(out)) {
		unsigned n = *p < 0x80	       ? 1
			     : (*p >> 5) == 6  ? 2
			     : (*p >> 4) == 14 ? 3
			     : (*p >> 3) == 30 ? 4
					       : 0;
		bool ok = n > 0;

		for (unsigned i = 1; ok && i < n; i++)
			ok = (p[i] & 0xc0) == 0x80;
		if (ok && n > 1 && o + n < sizeof(out)) {
			memcpy(out + o, p, n);
			o += n;
			p += n;
		} else if (ok && n == 1) {
			out[o++] = (char)*p++;
		} else {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			p++;
		}
	}
	out[o] = '\0';
	return json_string(out);
}

static json_t *jstr_or_null(bool has, const char *s)
{
	return has ? jstr(s) : json_null();
}

static json_t *jint(long v)
{
	return v < 0 ? json_null() : json_integer(v);
}

static json_t *jint_if(bool has, long v)
{
	return has ? json_integer(v) : json_null();
}

static json_t *jdouble(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

void *explain_report_json(const struct oom_report *r)
{
	const struct oom_trigger *t = &r->trigger;
	const struct oom_model *m = &r->model;
	json_t *o = json_object(), *trig, *cands = json_array(), *model, *reaper;

	json_object_set_new(o, "pid", json_integer(r->pid));
	json_object_set_new(o, "comm", jstr(r->comm));
	json_object_set_new(o, "uid", jint_if(r->has_uid, r->uid));
	json_object_set_new(o, "constraint",
			    r->has_constraint ? json_string(oom_constraint_name(r->constraint))
					      : json_null());
	json_object_set_new(o, "oom_memcg", jstr_or_null(r->has_oom_memcg, r->oom_memcg));
	json_object_set_new(o, "memcg", jstr_or_null(r->has_memcg, r->memcg));
	json_object_set_new(o, "anon_rss_kb", jint(r->anon_rss_kb));
	json_object_set_new(o, "file_rss_kb", jint(r->file_rss_kb));
	json_object_set_new(o, "shmem_rss_kb", jint(r->shmem_rss_kb));
	json_object_set_new(o, "total_vm_kb", jint(r->total_vm_kb));
	json_object_set_new(o, "pgtables_kb", jint(r->pgtables_kb));
	json_object_set_new(o, "oom_score_adj", jint_if(r->has_adj, r->oom_score_adj));
	json_object_set_new(o, "kernel_time_s", r->has_ktime ? json_real(r->ktime) : json_null());
	json_object_set_new(o, "wall_time", jstr_or_null(r->wall[0], r->wall));
	if (t->present || t->pid >= 0) {
		trig = json_object();
		json_object_set_new(trig, "comm", jstr(t->comm));
		json_object_set_new(trig, "pid", t->pid >= 0 ? json_integer(t->pid) : json_null());
		json_object_set_new(trig, "gfp_mask", jstr_or_null(t->gfp_mask[0], t->gfp_mask));
		json_object_set_new(trig, "order", jint_if(t->has_order, t->order));
		json_object_set_new(trig, "oom_score_adj", jint_if(t->has_adj, t->adj));
		json_object_set_new(trig, "kernel", jstr_or_null(t->release[0], t->release));
	} else {
		trig = json_null();
	}
	json_object_set_new(o, "trigger", trig);
	json_object_set_new(o, "group_kill", json_boolean(r->group_kill));
	for (unsigned i = 0; i < r->ncand; i++) {
		const struct oom_candidate *c = &r->cand[i];
		json_t *j = json_object();

		json_object_set_new(j, "rank", json_integer(c->rank));
		json_object_set_new(j, "pid", json_integer(c->pid));
		json_object_set_new(j, "comm", jstr(c->comm));
		json_object_set_new(j, "uid", jint(c->uid));
		json_object_set_new(j, "rss_pages", jint(c->rss_pages));
		json_object_set_new(j, "swapents", jint(c->swapents));
		json_object_set_new(j, "pgtables_bytes", jint(c->pgtables_bytes));
		json_object_set_new(j, "oom_score_adj", jint_if(c->has_adj, c->adj));
		json_object_set_new(j, "unkillable", json_boolean(c->unkillable));
		json_object_set_new(j, "points",
				    c->unkillable ? json_null() : json_real(c->points));
		json_object_set_new(j, "margin_pct",
				    c->margin_pct < 0
					    ? json_null()
					    : jdouble(round(c->margin_pct * 1000) / 1000));
		json_array_append_new(cands, j);
	}
	json_object_set_new(o, "candidates", cands);
	model = json_object();
	json_object_set_new(model, "era", json_string(oom_era_name(m->era)));
	json_object_set_new(model, "totalpages",
			    m->has_totalpages ? json_integer((json_int_t)m->totalpages)
					      : json_null());
	json_object_set_new(model, "predicted_pid",
			    m->has_predicted ? json_integer(m->predicted_pid) : json_null());
	json_object_set_new(model, "agrees", m->agrees < 0 ? json_null() : json_boolean(m->agrees));
	json_object_set_new(model, "why", m->why[0] ? jstr(m->why) : json_null());
	json_object_set_new(model, "era_from", json_string(m->era_from));
	json_object_set_new(o, "model", model);
	/* beyond the keys: what else the report says */
	json_object_set_new(o, "oom", json_integer(r->oom));
	json_object_set_new(o, "memcg_usage_kb", jint(r->memcg_usage_kb));
	json_object_set_new(o, "memcg_limit_kb", jint(r->memcg_limit_kb));
	json_object_set_new(o, "selected_pid",
			    r->has_selected ? json_integer(r->selected_pid) : json_null());
	json_object_set_new(o, "score", jint_if(r->has_score, r->score));
	json_object_set_new(o, "allocating_task", json_boolean(r->allocating_task));
	if (r->reaped) {
		reaper = json_object();
		json_object_set_new(reaper, "anon_rss_kb", jint(r->reaped_anon_kb));
		json_object_set_new(reaper, "file_rss_kb", jint(r->reaped_file_kb));
		json_object_set_new(reaper, "shmem_rss_kb", jint(r->reaped_shmem_kb));
	} else {
		reaper = json_null();
	}
	json_object_set_new(o, "reaped", reaper);
	json_object_set_new(o, "tasks", json_integer(r->ntasks));
	return o;
}

static void print_kb(FILE *f, const char *name, long kb)
{
	if (kb >= 0)
		fprintf(f, " %s %ld kB", name, kb);
}

void explain_report_print(const struct oom_report *r, FILE *f)
{
	const struct oom_trigger *t = &r->trigger;
	const struct oom_model *m = &r->model;

	fprintf(f, "OOM %u: killed %s (pid %d)", r->oom, r->comm, (int)r->pid);
	if (r->has_ktime)
		fprintf(f, " at %.6f s", r->ktime);
	if (r->wall[0])
		fprintf(f, " (%s)", r->wall);
	fputc('\n', f);
	fprintf(f, "  kind      %s%s%s%s\n", r->memcg_oom ? "memcg" : "global",
		r->has_constraint ? ", " : "",
		r->has_constraint ? oom_constraint_name(r->constraint) : "",
		r->group_kill ? ", oom.group" : "");
	if (r->has_oom_memcg || r->has_memcg)
		fprintf(f, "  memcg     oom %s, victim's %s\n",
			r->has_oom_memcg ? r->oom_memcg : "-", r->has_memcg ? r->memcg : "-");
	if (r->memcg_limit_kb >= 0)
		fprintf(f, "  usage     %ld kB of %ld kB\n", r->memcg_usage_kb, r->memcg_limit_kb);
	if (t->present) {
		fprintf(f, "  trigger   %s", t->comm);
		if (t->pid >= 0)
			fprintf(f, " (pid %d)", (int)t->pid);
		if (t->gfp_mask[0])
			fprintf(f, " gfp_mask=%s", t->gfp_mask);
		if (t->has_order)
			fprintf(f, " order=%ld", t->order);
		if (t->has_adj)
			fprintf(f, " oom_score_adj=%ld", t->adj);
		if (t->release[0])
			fprintf(f, " kernel %s", t->release);
		fputc('\n', f);
	}
	fprintf(f, "  victim   ");
	if (r->has_uid)
		fprintf(f, " uid %ld", r->uid);
	print_kb(f, "total-vm", r->total_vm_kb);
	print_kb(f, "anon-rss", r->anon_rss_kb);
	print_kb(f, "file-rss", r->file_rss_kb);
	print_kb(f, "shmem-rss", r->shmem_rss_kb);
	print_kb(f, "pgtables", r->pgtables_kb);
	if (r->has_adj)
		fprintf(f, " oom_score_adj %ld", r->oom_score_adj);
	fputc('\n', f);
	if (r->reaped) {
		fprintf(f, "  reaper    now");
		print_kb(f, "anon-rss", r->reaped_anon_kb);
		print_kb(f, "file-rss", r->reaped_file_kb);
		print_kb(f, "shmem-rss", r->reaped_shmem_kb);
		fputc('\n', f);
	}
	fprintf(f, "  model     %s (from the %s)", oom_era_name(m->era), m->era_from);
	if (m->has_totalpages)
		fprintf(f, ", totalpages %llu", (unsigned long long)m->totalpages);
	if (m->has_predicted)
		fprintf(f, ": predicts %s (pid %d), %s", m->predicted_comm, (int)m->predicted_pid,
			m->agrees == 1	 ? "agrees"
			: m->agrees == 0 ? "DISAGREES"
					 : "cannot say");
	fputc('\n', f);
	if (m->why[0])
		fprintf(f, "  why       %s\n", m->why);
	if (r->ncand) {
		fprintf(f, "  %4s %8s %-16s %6s %10s %8s %10s %6s %10s %8s\n", "rank", "pid",
			"comm", "uid", "rss", "swap", "pgtables", "adj", "points", "margin%");
		for (unsigned i = 0; i < r->ncand; i++) {
			const struct oom_candidate *c = &r->cand[i];
			char pts[32], mg[32];

			if (c->unkillable)
				snprintf(pts, sizeof(pts), "never");
			else
				snprintf(pts, sizeof(pts), "%.0f", c->points);
			if (c->margin_pct < 0)
				snprintf(mg, sizeof(mg), "-");
			else
				snprintf(mg, sizeof(mg), "%.2f", c->margin_pct);
			fprintf(f, "  %4u %8d %-16s %6ld %10ld %8ld %10ld %6ld %10s %8s\n", c->rank,
				(int)c->pid, c->comm, c->uid, c->rss_pages, c->swapents,
				c->pgtables_bytes, c->has_adj ? c->adj : 0L, pts, mg);
		}
		if (r->ntasks > r->ncand)
			fprintf(f, "  (%u more tasks in the table)\n", r->ntasks - r->ncand);
	}
	fputc('\n', f);
}

/* ---- the command ---- */

struct sink {
	json_t *events; /* --json FILE: the whole document at the end */
	FILE *lines;	/* --follow --json -: one object a line */
	bool table;
	unsigned n;
};

static void on_report(const struct oom_report *r, void *arg)
{
	struct sink *s = arg;

	s->n++;
	if (s->table)
		explain_report_print(r, stdout);
	if (s->lines) {
		json_t *o = explain_report_json(r);

		json_dumpf(o, s->lines, JSON_COMPACT | EXPLAIN_JSON_REALS);
		fputc('\n', s->lines);
		fflush(s->lines);
		json_decref(o);
	} else if (s->events) {
		json_array_append_new(s->events, explain_report_json(r));
	}
	fflush(stdout);
}

static void usage(FILE *f)
{
	fputs("usage: oomlab explain [--json FILE|-] [--model ERA] [FILE...]\n"
	      "       oomlab explain --follow [--json -]\n"
	      "Reads OOM reports (dmesg, dmesg -T, journalctl -k in any -o, syslog,\n"
	      "kern.log, log-shipper exports; stdin when no FILE) and prints each kill:\n"
	      "who, where, why that task, and whether the era's badness model agrees.\n"
	      "  --json FILE|-   the events as JSON (docs/explain.md); - is stdout\n"
	      "  --follow        read /dev/kmsg live until interrupted\n"
	      "  --model ERA     rank under ERA (4.17, 3.8, 2.6.36, 2.6.35, a version)\n"
	      "  -q, --quiet     no table\n"
	      "exit: 0 (also when no OOM was found), 2 bad usage or unreadable input\n",
	      f);
}

static volatile sig_atomic_t follow_stop;

static void on_stop(int sig)
{
	follow_stop = sig;
}

static int follow(struct oom_assembler *a)
{
	struct kmsg_reader *km = NULL;
	struct sigaction sa = { .sa_handler = on_stop };
	int e;

	e = kmsg_open("/dev/kmsg", true, &km);
	if (e < 0) {
		log_err(e, "cannot read /dev/kmsg");
		return 2;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!follow_stop) {
		struct pollfd pfd = { .fd = kmsg_fd(km), .events = POLLIN };
		struct kmsg_record rec;
		int n = poll(&pfd, 1, 500);

		if (n == 0) {
			/* idle: the OOM is over, its reaper line is in */
			oom_asm_flush(a);
			continue;
		}
		while ((e = kmsg_next(km, &rec)) != -EAGAIN) {
			struct oom_line_meta m = { .has_ktime = true };

			if (e == -EPIPE) {
				oom_asm_gap(a);
				continue;
			}
			if (e < 0)
				break;
			m.ktime = (double)rec.usec / 1e6;
			oom_asm_line(a, rec.msg, &m);
		}
	}
	oom_asm_flush(a);
	kmsg_close(km);
	return 0;
}

int explain_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", required_argument, NULL, 'j' },  { "follow", no_argument, NULL, 'f' },
		{ "model", required_argument, NULL, 'm' }, { "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },	   { 0 },
	};
	struct explain_stats st = { 0 };
	struct sink sink = { .table = true };
	struct oom_assembler *a = NULL;
	enum oom_era era = OOM_ERA_AUTO;
	const char *json = NULL;
	bool follow_mode = false;
	int c, rc = 0, e;

	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = optarg;
			break;
		case 'f':
			follow_mode = true;
			break;
		case 'm':
			if (oom_era_parse(optarg, &era) < 0) {
				log_err(0, "--model %s: not an era", optarg);
				return 2;
			}
			break;
		case 'q':
			sink.table = false;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (follow_mode && optind < argc) {
		log_err(0, "--follow reads /dev/kmsg: no FILE");
		return 2;
	}
	if (json && !strcmp(json, "-"))
		sink.table = false;
	if (json && follow_mode) {
		if (strcmp(json, "-")) {
			log_err(0, "--follow writes JSON lines to stdout only: --json -");
			return 2;
		}
		sink.lines = stdout;
	} else if (json) {
		sink.events = json_array();
	}
	if (oom_asm_new(era, on_report, &sink, &a) < 0)
		return 2;
	if (follow_mode) {
		rc = follow(a);
		oom_asm_free(a);
		return rc;
	}
	for (int i = optind; i < argc || i == optind; i++) {
		const char *path = i < argc ? argv[i] : "-";
		int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;

		if (fd < 0) {
			log_err(-errno, "cannot open %s", path);
			rc = 2;
			continue;
		}
		e = explain_read_fd(fd, a, &st);
		if (e < 0) {
			log_err(e, "cannot read %s", path);
			rc = 2;
		}
		/* a report does not span inputs */
		oom_asm_end(a);
		if (fd != STDIN_FILENO)
			close(fd);
		if (i >= argc)
			break;
	}
	if (sink.table && !sink.n)
		printf("no OOM kill found\n");
	if (st.unreadable || st.dropped)
		fprintf(stderr, "explain: %llu of %llu lines could not be read%s\n",
			(unsigned long long)(st.unreadable + st.dropped),
			(unsigned long long)st.lines,
			st.dropped ? " (a newest-first input larger than the buffer)" : "");
	if (oom_asm_killless(a))
		fprintf(stderr, "explain: %u OOM report(s) without a kill line\n",
			oom_asm_killless(a));
	if (sink.events) {
		json_t *doc = json_object();
		int w;

		json_object_set_new(doc, "events", sink.events);
		json_object_set_new(doc, "unreadable_lines",
				    json_integer((json_int_t)(st.unreadable + st.dropped)));
		if (!strcmp(json, "-"))
			w = json_dumpf(doc, stdout, JSON_INDENT(2) | EXPLAIN_JSON_REALS) ||
			    fputc('\n', stdout) == EOF;
		else
			w = json_dump_file(doc, json, JSON_INDENT(2) | EXPLAIN_JSON_REALS);
		if (w) {
			log_err(0, "cannot write %s", json);
			rc = 2;
		}
		json_decref(doc);
	}
	oom_asm_free(a);
	return rc;
}
