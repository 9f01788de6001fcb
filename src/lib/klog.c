// SPDX-License-Identifier: GPL-2.0-or-later
/* Log evidence (see klog.h). */
#include "klog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dlfcn.h>
#include <sys/klog.h>
#include <unistd.h>

#include "config.h"
#include "util.h"

#if HAVE_SYSTEMD
#include <systemd/sd-journal.h>

#include "dlib.h"
#endif

/* /dev/kmsg holds the kernel's ring buffer (log_buf_len, at most a few MB);
 * libvirt rotates its per-domain logs. Bigger inputs are refused. */
#define KMSG_MAX (64u << 20)
#define LIBVIRT_LOG_MAX (64u << 20)
/* --log files may be multi-GB journals: streamed in chunks of this size. */
#define CHUNK (4u << 20)
#define TEXT_MAX 400

struct sink {
	struct vd_klog *log;
	size_t src;
};

static size_t add_source(struct vd_klog *log, const char *path, int err, size_t bytes)
{
	struct vd_log_source *s = VD_PUSH(log->src, log->nsrc, log->capsrc);
	s->path = vd_xstrdup(path);
	s->err = err;
	s->bytes = bytes;
	return log->nsrc - 1;
}

static void on_event(void *ctx, const struct vd_logev *ev)
{
	struct sink *k = ctx;
	struct vd_klog *log = k->log;

	log->flagged[ev->kind] += ev->flag;
	if (log->count[ev->kind]++ >= VD_LOG_KEEP_PER_KIND)
		return;
	struct vd_log_event *e = VD_PUSH(log->ev, log->nev, log->capev);
	e->kind = ev->kind;
	e->src = k->src;
	e->line = ev->line;
	e->text = vd_xstrndup(ev->body, ev->body_len < TEXT_MAX ? ev->body_len : TEXT_MAX);
	/* evidence is shown as text: no control characters from a hostile log */
	for (char *c = e->text; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	memcpy(e->bdf, ev->bdf, sizeof(e->bdf));
	e->num = ev->num;
	e->num2 = ev->num2;
	e->start = ev->start;
	e->end = ev->end;
	memcpy(e->word, ev->word, sizeof(e->word));
	e->flag = ev->flag;
}

void vd_klog_add_text(struct vd_klog *log, const struct vd_logscan *s, const char *name, const char *text, size_t len)
{
	struct sink k = {log, add_source(log, name, 0, len)};
	vd_logscan_text(s, text, len, 1, on_event, &k);
}

/* A file too big to hold: scan whole lines chunk by chunk, carrying the
 * unfinished last line over. A line longer than a chunk is cut. */
static void scan_fd(struct vd_klog *log, const struct vd_logscan *s, size_t src, int fd)
{
	char *buf = vd_xmalloc(CHUNK);
	size_t have = 0, line = 1;
	struct sink k = {log, src};

	for (;;) {
		ssize_t r = read(fd, buf + have, CHUNK - have);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			log->src[src].err = -errno;
			break;
		}
		have += (size_t)r;
		log->src[src].bytes += (size_t)r;
		bool eof = r == 0;
		const char *last = memrchr(buf, '\n', have);
		size_t upto = eof ? have : last ? (size_t)(last - buf) + 1 : have;
		vd_logscan_text(s, buf, upto, line, on_event, &k);
		for (const char *p = buf; p < buf + upto && (p = memchr(p, '\n', (size_t)(buf + upto - p))); p++)
			line++;
		if (eof)
			break;
		memmove(buf, buf + upto, have - upto);
		have -= upto;
	}
	free(buf);
}

static void read_kmsg(const struct vd_root *root, struct vd_klog *log, const struct vd_logscan *s)
{
	char *text = NULL;
	size_t len = 0;
	int ret = vd_root_read_records(root, "/dev/kmsg", KMSG_MAX, &text, &len);

	if (ret == -EPERM || ret == -EACCES) {
		/* dmesg_restrict=1 and not root: the syslog(2) interface may
		 * still be allowed (CAP_SYSLOG); only on the live host. */
		if (vd_root_is_live(root)) {
			int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
			if (size > 0) {
				char *b = vd_xmalloc((size_t)size);
				int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, b, size);
				if (n >= 0) {
					vd_klog_add_text(log, s, "syslog(2) kernel log", b, (size_t)n);
					log->kernel_log = true;
					free(b);
					return;
				}
				free(b);
			}
		}
	}
	if (ret < 0) {
		add_source(log, "/dev/kmsg", ret, 0);
		return;
	}
	vd_klog_add_text(log, s, "/dev/kmsg", text, len);
	log->kernel_log = true;
	free(text);
}

#if HAVE_SYSTEMD
struct boot {
	char id[33];
	uint64_t first;
};

static int cmp_boot(const void *a, const void *b)
{
	const struct boot *x = a, *y = b;
	return (x->first > y->first) - (x->first < y->first);
}

/* sd-journal, loaded when a run reads an earlier boot (dlib.h says why). */
struct sdj {
	void *dl;
	__typeof__(sd_journal_open_directory) *open_directory;
	__typeof__(sd_journal_close) *close;
	__typeof__(sd_journal_query_unique) *query_unique;
	__typeof__(sd_journal_restart_unique) *restart_unique;
	__typeof__(sd_journal_enumerate_unique) *enumerate_unique;
	__typeof__(sd_journal_flush_matches) *flush_matches;
	__typeof__(sd_journal_add_match) *add_match;
	__typeof__(sd_journal_seek_head) *seek_head;
	__typeof__(sd_journal_next) *next;
	__typeof__(sd_journal_get_realtime_usec) *get_realtime_usec;
	__typeof__(sd_journal_get_data) *get_data;
};

static int sdj_open(struct sdj *f, char **why)
{
	return vd_dlopen_syms(&f->dl, "libsystemd.so.0", "libsystemd", why,
			      (void **)&f->open_directory, "sd_journal_open_directory", (void **)&f->close,
			      "sd_journal_close", (void **)&f->query_unique, "sd_journal_query_unique",
			      (void **)&f->restart_unique, "sd_journal_restart_unique", (void **)&f->enumerate_unique,
			      "sd_journal_enumerate_unique", (void **)&f->flush_matches, "sd_journal_flush_matches",
			      (void **)&f->add_match, "sd_journal_add_match", (void **)&f->seek_head,
			      "sd_journal_seek_head", (void **)&f->next, "sd_journal_next",
			      (void **)&f->get_realtime_usec, "sd_journal_get_realtime_usec", (void **)&f->get_data,
			      "sd_journal_get_data", NULL);
}

/* Kernel messages of one boot as one text, so line numbers mean "nth kernel
 * message of that boot", as journalctl -k -b N numbers them. */
static void journal_boot_text(const struct sdj *f, sd_journal *j, const char *boot_id, struct vd_str *text)
{
	char m[64];
	const void *d;
	size_t l;

	snprintf(m, sizeof(m), "_BOOT_ID=%s", boot_id);
	f->flush_matches(j);
	f->add_match(j, m, 0);
	f->add_match(j, "_TRANSPORT=kernel", 0);
	if (f->seek_head(j) < 0)
		return;
	while (f->next(j) > 0) {
		if (f->get_data(j, "MESSAGE", &d, &l) < 0 || l < 8)
			continue;
		vd_str_addn(text, (const char *)d + 8, l - 8);
		vd_str_addc(text, '\n');
		if (text->len > KMSG_MAX)
			break;
	}
}

/* Like journalctl -k -b N: boots ordered by their first entry; 0 is the
 * newest, -1 the one before. */
static void read_journal_boot(const struct vd_root *root, struct vd_klog *log, const struct vd_logscan *s, int boot)
{
	struct sdj f;
	sd_journal *j = NULL;
	struct boot *boots = NULL;
	size_t nb = 0, cap = 0;
	char name[96];
	int ret;

	snprintf(name, sizeof(name), "journal, boot %d", boot);
	ret = sdj_open(&f, NULL);
	if (ret < 0) {
		add_source(log, "journal (libsystemd is not installed)", ret, 0);
		return;
	}
	ret = f.open_directory(&j, vd_root_path(root), SD_JOURNAL_OS_ROOT);
	if (ret < 0) {
		add_source(log, name, ret, 0);
		dlclose(f.dl);
		return;
	}
	const void *d;
	size_t l;
	if (f.query_unique(j, "_BOOT_ID") >= 0) {
		f.restart_unique(j);
		while (f.enumerate_unique(j, &d, &l) > 0) {
			if (l < 9 + 32 || memcmp(d, "_BOOT_ID=", 9) != 0)
				continue;
			struct boot *b = VD_PUSH(boots, nb, cap);
			memcpy(b->id, (const char *)d + 9, 32);
			b->id[32] = '\0';
		}
	}
	for (size_t i = 0; i < nb; i++) {
		char m[64];
		snprintf(m, sizeof(m), "_BOOT_ID=%s", boots[i].id);
		f.flush_matches(j);
		f.add_match(j, m, 0);
		boots[i].first = UINT64_MAX;
		if (f.seek_head(j) >= 0 && f.next(j) > 0)
			f.get_realtime_usec(j, &boots[i].first);
	}
	qsort(boots, nb, sizeof(*boots), cmp_boot);
	long idx = (long)nb - 1 + boot;
	if (!nb || idx < 0 || idx >= (long)nb) {
		add_source(log, name, -ENOENT, 0);
	} else {
		struct vd_str text = {0};
		snprintf(name, sizeof(name), "journal, boot %d (%s)", boot, boots[idx].id);
		journal_boot_text(&f, j, boots[idx].id, &text);
		vd_klog_add_text(log, s, name, text.s ? text.s : "", text.len);
		log->kernel_log = true;
		vd_str_done(&text);
	}
	free(boots);
	f.close(j);
	dlclose(f.dl);
}
#endif

static void read_user_logs(struct vd_klog *log, const struct vd_logscan *s, char *const *files)
{
	struct vd_root *slash = NULL;

	if (vd_root_open("/", 0, &slash) < 0)
		return;
	for (char *const *f = files; *f; f++) {
		char cwd[4096];
		_cleanup_free_ char *abs = (*f)[0] == '/' || !getcwd(cwd, sizeof(cwd)) ? vd_xstrdup(*f)
											 : vd_xasprintf("%s/%s", cwd, *f);
		int fd = vd_root_openat(slash, abs, O_RDONLY);
		size_t src = add_source(log, *f, fd < 0 ? fd : 0, 0);
		if (fd < 0)
			continue;
		scan_fd(log, s, src, fd);
		close(fd);
		log->kernel_log = true;
	}
	vd_root_free(slash);
}

static void read_libvirt_logs(const struct vd_root *root, struct vd_klog *log, const struct vd_logscan *s)
{
	char **names = NULL;

	if (vd_root_list(root, "/var/log/libvirt/qemu", &names) < 0)
		return;
	for (char **n = names; *n; n++) {
		size_t nl = strlen(*n);
		if (nl < 5 || strcmp(*n + nl - 4, ".log") != 0)
			continue;
		_cleanup_free_ char *path = vd_xasprintf("/var/log/libvirt/qemu/%s", *n);
		_cleanup_free_ char *text = NULL;
		size_t len;
		int ret = vd_root_read(root, path, LIBVIRT_LOG_MAX, &text, &len);
		if (ret < 0)
			add_source(log, path, ret, 0);
		else
			vd_klog_add_text(log, s, path, text, len);
	}
	vd_strv_free(names);
}

int vd_klog_gather(const struct vd_root *root, const struct vd_log_opts *o, struct vd_klog *out)
{
	struct vd_logscan *s = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	if (o && o->skip)
		return 0;
	ret = vd_logscan_new(&s);
	if (ret < 0)
		return ret;
	if (o && o->files && o->files[0]) {
		read_user_logs(out, s, o->files);
	} else if (o && o->boot != 0) {
#if HAVE_SYSTEMD
		read_journal_boot(root, out, s, o->boot);
#else
		add_source(out, "journal (built without libsystemd)", -EOPNOTSUPP, 0);
#endif
	} else {
		read_kmsg(root, out, s);
	}
	read_libvirt_logs(root, out, s);
	vd_logscan_free(s);
	return 0;
}

void vd_klog_done(struct vd_klog *log)
{
	for (size_t i = 0; i < log->nsrc; i++)
		free(log->src[i].path);
	free(log->src);
	for (size_t i = 0; i < log->nev; i++)
		free(log->ev[i].text);
	free(log->ev);
	memset(log, 0, sizeof(*log));
}

const struct vd_log_event *vd_klog_next(const struct vd_klog *log, enum vd_ev kind, size_t *iter)
{
	for (; *iter < log->nev; (*iter)++)
		if (log->ev[*iter].kind == kind)
			return &log->ev[(*iter)++];
	return NULL;
}

bool vd_klog_first_for_bdf(const struct vd_klog *log, const struct vd_log_event *e)
{
	for (const struct vd_log_event *p = log->ev; p < e && p < log->ev + log->nev; p++)
		if (p->kind == e->kind && strcmp(p->bdf, e->bdf) == 0)
			return false;
	return true;
}

char *vd_klog_where(const struct vd_klog *log, const struct vd_log_event *e)
{
	return vd_xasprintf("%s:%zu", e->src < log->nsrc ? log->src[e->src].path : "?", e->line);
}
