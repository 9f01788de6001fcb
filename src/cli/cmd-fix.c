// SPDX-License-Identifier: GPL-2.0-or-later
/* vfio-doctor fix / undo: show the plan for the findings' fixes, carry it
 * out as a transaction, or undo the last one. */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "cli.h"
#include "vm-libvirt.h"
#include "config.h"
#include "plan.h"

/* Runs a plan's command: split on spaces (plans hold plain words, never
 * shell syntax) and exec'd without a shell; output goes to our stderr so
 * the user sees update-grub or dracut talk. */
static int run_command(void *ud, const char *cmdline, char **output)
{
	(void)ud;
	(void)output;
	char *copy = vd_xstrdup(cmdline), *argv[32];
	size_t n = 0;
	for (char *tok = strtok(copy, " "); tok && n < ARRAY_SIZE(argv) - 1; tok = strtok(NULL, " "))
		argv[n++] = tok;
	argv[n] = NULL;
	if (!n) {
		free(copy);
		return -EINVAL;
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		free(copy);
		return -errno;
	}
	if (pid == 0) {
		dup2(STDERR_FILENO, STDOUT_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			free(copy);
			return -errno;
		}
	free(copy);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -ECHILD;
}

static unsigned long libvirt_version(const struct vd_root *root)
{
	/* The library's version, known without a connection; on the live
	 * host the daemon normally comes from the same package. */
	return vd_root_is_live(root) ? vd_libvirt_lib_version() : 0;
}

/* Findings from a saved `check --json` document instead of running the checks. */
static int load_findings(const char *path, const char *only, struct vd_findings *fs)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int ret = vd_read_user_file(path, 0, &text, &len);
	if (ret < 0)
		return cli_error("fix: --from %s: %s", path, strerror(-ret));
	json_object *o = json_tokener_parse(text), *arr;
	if (!o || !json_object_object_get_ex(o, "findings", &arr) || !json_object_is_type(arr, json_type_array)) {
		json_object_put(o);
		return cli_error("fix: --from %s: not the JSON of 'vfio-doctor check --json'", path);
	}
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *f = json_object_array_get_idx(arr, i), *v, *fixes;
		const char *id = json_object_object_get_ex(f, "id", &v) ? json_object_get_string(v) : NULL;
		if (!id || (only && !vd_list_has(only, ",", id)))
			continue;
		struct vd_check c = {.id = id, .title = "", .section = ""};
		struct vd_finding *fd = vd_finding_add(fs, &c, VD_INFO, NULL, "%s", "");
		if (!json_object_object_get_ex(f, "fixes", &fixes) || !json_object_is_type(fixes, json_type_array))
			continue;
		for (size_t j = 0; j < json_object_array_length(fixes); j++) {
			json_object *x = json_object_array_get_idx(fixes, j), *k, *op, *t, *val, *m;
			const char *kind = json_object_object_get_ex(x, "kind", &k) ? json_object_get_string(k) : "";
			const char *ops = json_object_object_get_ex(x, "op", &op) ? json_object_get_string(op) : "add";
			int ki = -1;
			for (int q = 0; q < VD_NFIXKIND; q++)
				if (kind && strcmp(kind, vd_fix_kind_name((enum vd_fix_kind)q)) == 0)
					ki = q;
			if (ki < 0)
				continue;
			enum vd_fix_op fop = ops && strcmp(ops, "remove") == 0 ? VD_OP_REMOVE : ops && strcmp(ops, "set") == 0 ? VD_OP_SET : VD_OP_ADD;
			struct vd_fix *nf = vd_finding_fix(
				fd, (enum vd_fix_kind)ki, fop, json_object_object_get_ex(x, "target", &t) ? json_object_get_string(t) : NULL,
				json_object_object_get_ex(x, "value", &val) ? json_object_get_string(val) : NULL);
			if (json_object_object_get_ex(x, "mode", &m) && json_object_is_type(m, json_type_int))
				nf->mode = (unsigned)json_object_get_int(m) & 07777;
		}
	}
	json_object_put(o);
	return 0;
}

static void print_result(const struct cli *c, const struct vd_plan *p, const struct vd_txn_result *r, const char *verb)
{
	if (c->json) {
		json_object *o = json_object_new_object(), *steps = json_object_new_array();
		json_object_object_add(o, "schema", json_object_new_string("vfio-doctor/transaction/1"));
		json_object_object_add(o, "id", r->id ? json_object_new_string(r->id) : NULL);
		json_object_object_add(o, "state", r->state ? json_object_new_string(r->state) : NULL);
		json_object_object_add(o, "error", r->error ? json_object_new_string(r->error) : NULL);
		for (size_t i = 0; i < r->n; i++) {
			json_object *j = json_object_new_object();
			json_object_object_add(j, "kind", p ? json_object_new_string(p->step[i].kind->name) : NULL);
			json_object_object_add(j, "target", p ? json_object_new_string(p->step[i].target) : NULL);
			json_object_object_add(j, "state", json_object_new_string(vd_step_state_name(r->st[i])));
			json_object_object_add(j, "detail", r->detail[i] ? json_object_new_string(r->detail[i]) : NULL);
			json_object_array_add(steps, j);
		}
		json_object_object_add(o, "steps", steps);
		cli_print_json(o);
		return;
	}
	for (size_t i = 0; i < r->n; i++) {
		if (p)
			printf("  [%zu] %s %s: %s\n", i + 1, p->step[i].kind->name, p->step[i].target, vd_step_state_name(r->st[i]));
		else
			printf("  [%zu] %s\n", i + 1, vd_step_state_name(r->st[i]));
		if (r->detail[i])
			printf("      %s\n", r->detail[i]);
	}
	printf("Transaction %s: %s%s", r->id ? r->id : "-", r->state ? r->state : "not started", r->error ? "" : ".\n");
	if (r->error)
		printf(": %s\n", r->error);
	(void)verb;
}

static void fix_help(void)
{
	printf("usage: vfio-doctor fix [--root DIR] [--json] [--only ID,...] [--from CHECK.json] [--apply]\n\n"
	       "Gathers the fixes of the current findings into one plan and prints it (diffs,\n"
	       "kernel command line, runtime writes, commands). Nothing changes without --apply.\n\n"
	       "  --only ID,...    only the fixes of these checks\n"
	       "  --from FILE      the findings of a saved 'check --json' instead of running the checks\n"
	       "  --apply          carry the plan out as one transaction (backups and a journal under\n"
	       "                   " VD_TXN_DIR "); 'vfio-doctor undo' reverts it\n\n"
	       "Exit status: 0 done or nothing to do, 1 the transaction failed (and was rolled\n"
	       "back), 2 usage error or refused.\n");
}

/* A fix for a VM's domain XML (--domain, --xml) is its own plan: the VM
 * side's diff, applied through libvirt or to the file (cmd-fix-domain.c). */
static bool wants_domain(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (vd_startswith(argv[i], "--domain") || vd_startswith(argv[i], "--xml"))
			return true;
	return false;
}

int cmd_fix(struct cli *c, int argc, char **argv)
{
	if (wants_domain(argc, argv))
		return cmd_fix_domain(c, argc, argv);

	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{"only", required_argument, NULL, 'o'},
		{"from", required_argument, NULL, 'f'},
		{"apply", no_argument, NULL, 'a'},
		{0},
	};
	const char *only = NULL, *from = NULL;
	bool apply = false;
	int opt;

	while ((opt = getopt_long(argc, argv, "ho:f:a", opts, NULL)) != -1) {
		if (cli_common(c, opt, optarg))
			continue;
		switch (opt) {
		case 'h':
			fix_help();
			return EXIT_OK;
		case 'o':
			only = optarg;
			break;
		case 'f':
			from = optarg;
			break;
		case 'a':
			apply = true;
			break;
		default:
			return cli_bad_option("fix", argc, argv);
		}
	}
	if (optind < argc)
		return cli_error("fix: unexpected argument '%s'", argv[optind]);

	struct vd_root *root;
	if (cli_open_root(c, &root))
		return EXIT_USAGE;
	/* Refuse before reading or touching anything else. */
	if (apply && vd_root_is_live(root) && geteuid() != 0) {
		vd_root_free(root);
		return cli_error("fix --apply: changing this host needs root (run it with sudo); nothing was changed");
	}
	struct vd_host h;
	struct vd_findings fs = {0};
	struct vd_plan plan = {0};
	char *bad = NULL;
	int ret = vd_host_gather(root, NULL, &h), rc = EXIT_OK;
	if (ret < 0) {
		vd_root_free(root);
		return cli_error("fix: could not gather the host: %s", strerror(-ret));
	}
	if (from)
		ret = load_findings(from, only, &fs) ? -EINVAL : 0;
	else if ((ret = vd_checks_run(&h, only, &fs, &bad)) < 0)
		cli_error("fix: --only: unknown check '%s' (see 'vfio-doctor check --list')", bad);
	if (ret < 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	struct vd_plan_opts po = {.libvirt_version = libvirt_version(root)};
	vd_plan_build(&h, &fs, &po, &plan);

	if (!apply) {
		char *s = c->json ? vd_plan_render_json(&plan, root) : vd_plan_render_text(&plan, root);
		fputs(s, stdout);
		free(s);
		goto out;
	}
	if (!plan.n) {
		if (c->json)
			print_result(c, &plan, &(struct vd_txn_result){.state = (char *)"nothing-to-do", .failed_step = -1},
				     "apply");
		else
			printf("Nothing to change: every fix is in place%s.\n", plan.nmanual ? " (see 'vfio-doctor fix' for what is left to do by hand)" : "");
		goto out;
	}
	/* Every directory the plan writes into must be writable. */
	for (size_t i = 0; i < plan.n; i++) {
		const struct vd_step *s = &plan.step[i];
		if (s->kind != &vd_step_file && s->kind != &vd_step_dir)
			continue;
		int w = vd_root_can_write(root, s->target);
		if (w == 0)
			w = vd_root_can_write(root, VD_TXN_DIR "/x");
		if (w < 0) {
			cli_error("fix --apply: cannot write %s: %s; nothing was changed", s->target, strerror(-w));
			rc = EXIT_USAGE;
			goto out;
		}
	}
	if (!c->json) {
		char *s = vd_plan_render_text(&plan, root);
		/* the plan without its closing "nothing was changed" line */
		char *tail = strstr(s, "\nNothing was changed.");
		if (tail)
			*tail = '\0';
		printf("%s\n\nApplying:\n", s);
		free(s);
	}
	struct vd_txn_opts to = {.run = run_command};
	struct vd_txn_result res;
	ret = vd_txn_apply(root, &plan, &to, &res);
	print_result(c, &plan, &res, "apply");
	if (ret < 0)
		rc = EXIT_FINDINGS;
	else if (!c->json)
		printf("'vfio-doctor undo' reverts it.\n");
	vd_txn_result_done(&res);
out:
	free(bad);
	vd_plan_done(&plan);
	vd_findings_done(&fs);
	vd_host_done(&h);
	vd_root_free(root);
	if (fflush(stdout) != 0)
		return EXIT_USAGE;
	return rc;
}

static void undo_help(void)
{
	printf("usage: vfio-doctor undo [--root DIR] [--json] [--list] [ID]\n\n"
	       "Restores what the last 'fix --apply' changed (or transaction ID), byte for byte,\n"
	       "and runs its regeneration commands again.\n\n"
	       "  --list   the transactions kept under " VD_TXN_DIR "\n");
}

int cmd_undo(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {CLI_COMMON_OPTIONS, {"list", no_argument, NULL, 'l'}, {0}};
	bool list = false;
	int opt, rc = EXIT_OK;

	while ((opt = getopt_long(argc, argv, "hl", opts, NULL)) != -1) {
		if (cli_common(c, opt, optarg))
			continue;
		switch (opt) {
		case 'h':
			undo_help();
			return EXIT_OK;
		case 'l':
			list = true;
			break;
		default:
			return cli_bad_option("undo", argc, argv);
		}
	}
	const char *id = optind < argc ? argv[optind++] : NULL;
	if (optind < argc)
		return cli_error("undo: unexpected argument '%s'", argv[optind]);
	struct vd_root *root;
	if (cli_open_root(c, &root))
		return EXIT_USAGE;
	if (list) {
		struct vd_txn_info *t;
		size_t n;
		int ret = vd_txn_list(root, &t, &n);
		if (ret < 0) {
			vd_root_free(root);
			return cli_error("undo --list: %s: %s", VD_TXN_DIR, strerror(-ret));
		}
		if (c->json) {
			json_object *a = json_object_new_array();
			for (size_t i = 0; i < n; i++) {
				json_object *j = json_object_new_object();
				json_object_object_add(j, "id", json_object_new_string(t[i].id));
				json_object_object_add(j, "created", json_object_new_string(t[i].created));
				json_object_object_add(j, "state", json_object_new_string(t[i].state));
				json_object_object_add(j, "summary", json_object_new_string(t[i].summary));
				json_object_array_add(a, j);
			}
			cli_print_json(a);
		} else if (!n) {
			printf("No transactions.\n");
		}
		for (size_t i = 0; !c->json && i < n; i++)
			printf("%s  %s  %-11s %s\n", t[i].id, t[i].created, t[i].state, t[i].summary);
		vd_txn_info_free(t, n);
		vd_root_free(root);
		return EXIT_OK;
	}
	if (vd_root_is_live(root) && geteuid() != 0) {
		vd_root_free(root);
		return cli_error("undo: changing this host needs root (run it with sudo); nothing was changed");
	}
	struct vd_txn_opts to = {.run = vd_root_is_live(root) ? run_command : NULL};
	struct vd_txn_result res;
	int ret = vd_txn_undo(root, id, &to, &res);
	if (ret == -ENOENT && !res.id) {
		rc = cli_error("undo: %s", res.error ? res.error : "nothing to undo");
	} else {
		print_result(c, NULL, &res, "undo");
		rc = ret < 0 ? EXIT_FINDINGS : EXIT_OK;
	}
	vd_txn_result_done(&res);
	vd_root_free(root);
	return rc;
}
