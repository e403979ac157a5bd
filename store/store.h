/* bootperf - store/: the results store (files, the lock, the stored
 * documents and their cJSON codec, the track state and the
 * acknowledgements).  Knows POSIX files and cJSON; never presents.
 */
#ifndef BOOTPERF_STORE_H
#define BOOTPERF_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common.h"

/* codec.c: the stored documents, to a cJSON tree and back */
struct cJSON;

/* A number, or null for NaN (JSON has no NaN). */
struct cJSON *json_number_or_null(double v);
/* A benchmark's tree (what report_bench_json prints), or NULL on allocation
 * failure.  The caller owns it (cJSON_Delete).
 */
struct cJSON *json_from_bench(const struct bench_result *res);

/* The inverse, for any tree at all: 0 with *out filled (the caller frees
 * it with bench_result_free), or -1 with *out untouched and the reason in
 * why ("\"samples_ms\"[3] is not a number ...").  Types are checked, at
 * most JSON_MAX_SAMPLES samples of 0 to 1e12 ms are accepted, and the
 * statistics are recomputed from the samples, never read.  "started" is
 * stored in whole seconds, so the fraction is lost.
 */
#define JSON_MAX_SAMPLES 100000
int json_to_bench(struct bench_result *out, const struct cJSON *obj, char *why,
		  size_t whylen);

/* One commit's result as stored: "type": "bootperf-commit-result",
 * "format": JSON_COMMIT_FORMAT, the commit_result fields and the bench
 * tree under "bench".  NULL on allocation failure.
 */
#define JSON_COMMIT_FORMAT 1
struct cJSON *json_from_commit(const struct commit_result *r);

/* 0 with *out filled (commit_result_free), -1 when obj is not a valid
 * commit result, or -2 when it has a newer format than this bootperf
 * reads; why says which.  *out is untouched on error.
 */
int json_to_commit(struct commit_result *out, const struct cJSON *obj,
		   char *why, size_t whylen);
/* Its first check alone: -2 when obj is a commit result of a newer
 * format, -1 when it is no commit result, else 0 (the rest unread).
 */
int json_commit_kind(const struct cJSON *obj, char *why, size_t whylen);

/* Pieces of trees, for the reports' documents too: a string or null,
 * an array of samples, the statistics of a summary, and a time as
 * "YYYY-MM-DDTHH:MM:SSZ" (whole seconds, UTC; one gmtime cannot express
 * becomes the epoch).
 */
void json_add_string(struct cJSON *obj, const char *key, const char *value);
/* key: v, or null when v is not finite. */
void json_add_number(struct cJSON *obj, const char *key, double v);
struct cJSON *json_samples_array(const double *x, size_t n);
struct cJSON *json_stats_object(const struct stats_summary *s);
void json_iso_time(char *buf, size_t len, double t);

/* store.c */
/*
 * The results store (DESIGN.md, "Results store"):
 *
 *	<dir>/results/<config-id>/<commit-id>.json   json_from_commit
 *	<dir>/logs/<commit-id>.build.log
 *	<dir>/worktree/
 *	<dir>/wrappers/qemu-<commit>                 --qemu-arg wrappers
 *	<dir>/artifacts/<build-id>/<commit>/         cmd/capture.c
 *	<dir>/lock                                   flock(2), holder's pid
 *
 * Ids are 4 to 64 lowercase hex digits; anything else is refused before
 * it reaches a path.  Below <dir> every file is opened through directory
 * descriptors with O_NOFOLLOW: a symlink for results/, logs/, a config
 * directory or a result file is refused, so a planted link cannot make
 * bootperf write outside the store.  Directories are created 0700, files
 * 0600.  Every function prints one message (bp_error) before returning -1.
 */
struct store;

/* Opens the store at dir, creating dir (not its parents), results/ and
 * logs/ when missing.  Refuses a dir that is not writable, not owned by
 * the effective user, or writable by its group or others.
 */
int store_open(struct store **out, const char *dir);
/* The same for a store only read (report): dir and results/ are not
 * created, and dir need not be writable.  Never lock or write through it.
 */
int store_open_readonly(struct store **out, const char *dir);
/* Releases the lock too.  NULL is a no-op. */
void store_close(struct store *st);
/* dir as given to store_open, without trailing slashes. */
const char *store_dir(const struct store *st);

/* Paths for other modules, owned by the caller (free).  store_log_path
 * returns NULL (after a message) for an invalid id.
 */
char *store_log_path(const struct store *st, const char *commit_id,
		     const char *config_id);
char *store_worktree_path(const struct store *st);

/* Exclusive lock on <dir>/lock, held until store_close; once held, temp
 * files that killed writers left behind are removed.  0 once held
 * (also when this handle already holds it), 1 when another open of the
 * lock holds it and wait is false (after "store '...' is in use by another
 * bootperf (pid N)"), -1 on error.  wait = true blocks, after a note;
 * a signal while waiting is an error.
 */
int store_lock(struct store *st, bool wait);

/* Stores r under its config_id and commit_id, replacing any earlier
 * result: temp file (O_EXCL, 0600), write, fsync, rename, fsync of the
 * directory, so a reader sees the old file or the new one, never a part.
 * r is checked first by reading the tree back with json_to_commit: what
 * cannot be read back is not written.  Callers should hold the lock.
 */
int store_put(struct store *st, const struct commit_result *r);

/* 0 with *out filled (commit_result_free), 1 when nothing is stored for
 * the pair, -1 when the file cannot be read or is not a result of this
 * bootperf for that commit and config, -2 when a newer bootperf wrote it
 * (one message naming the file; a caller must not overwrite such a file).
 * *out is zeroed first, so commit_result_free is always safe on it.
 */
int store_get(struct store *st, const char *config_id, const char *commit_id,
	      struct commit_result *out);
/* -2 (after store_get's message naming the file) when a newer bootperf
 * wrote the result of the pair, else 0 (nothing stored, a result of
 * this bootperf, or a file store_get will complain about): a whole
 * range is checked before its first build, not hours later.
 */
int store_check_newer(struct store *st, const char *config_id,
		      const char *commit_id);

/* The commit ids stored under config_id, sorted; none (0, *n = 0, *ids =
 * NULL) when the config has no directory.  The caller frees each id and
 * the array.
 */
int store_list(struct store *st, const char *config_id, char ***ids, size_t *n);

/* Other files of the store: <dir>/<sub>/<name> (sub NULL: <dir>/<name>),
 * names of lowercase letters, digits, '.', '-' and '_' that do not start
 * with a dot.  Written like results (temp file, fsync, rename; sub is
 * created); read back as text: 0 with *text (NUL-terminated), 1 when
 * missing, -1 after a message.  *path names the file for messages (the
 * caller frees both).
 */
int store_write_text(struct store *st, const char *sub, const char *name,
		     const char *text);
int store_read_text(struct store *st, const char *sub, const char *name,
		    char **text, char **path);
/* A new file <dir>/<sub>/<name> (sub created; any old one replaced,
 * never through a symlink) open for writing with mode: its fd, and its
 * path in *path (the caller frees it, even on error), or -1 after a
 * message.  Scripts bootperf runs go to the "wrappers" sub, which is
 * emptied whenever the store is locked.
 */
int store_create_file(struct store *st, const char *sub, const char *name,
		      mode_t mode, char **path);
/* The names in <dir>/<sub>, sorted (none when it is missing). */
int store_list_dir(struct store *st, const char *sub, char ***names, size_t *n);

/* track.c: what bootperf track keeps between runs,
 * <dir>/track/<config-id>.json: the branch followed, where tracking
 * started, the history as last seen (so that report needs no
 * repository) and the change points already seen.
 */
struct track_commit {
	char id[41];
	char *subject; /* owned */
	bool has_base; /* saved with its base (bootperf 0.1.0 did not) */
	char base[41]; /* the id of its base in the history, "" for none */
};

struct track_state {
	char config_id[41];
	char *repo, *remote, *url, *branch; /* owned, each may be NULL */
	char *start, *tip;		    /* commit ids (owned) */
	char *fetch_error;		    /* the last run's, or NULL */
	bool first_parent;
	double alpha, threshold; /* the last run's levels; NAN: unknown */
	double updated;		 /* epoch seconds of the last run */
	struct track_commit *history;
	size_t n_history;
	struct known_change *changes;
	size_t n_changes;
};

void track_state_free(struct track_state *s);
int store_put_track(struct store *st, const struct track_state *s);
/* 0 with *out (track_state_free), 1 when there is none, -1 when it is
 * corrupt (one message naming the file).
 */
int store_get_track(struct store *st, const char *config_id,
		    struct track_state *out);

/* <dir>/acks/COMMIT (a full id, or its first 7 or more hex digits)
 * holds the note of an acknowledgement; one file each, so writing one
 * needs no lock, and people may add them by hand.  Other names are
 * warned about and ignored.  *out is never NULL (acks_free).
 */
int store_get_acks(struct store *st, struct ack **out, size_t *n);
/* Writes <dir>/acks/COMMIT (line breaks in note become spaces). */
int store_add_ack(struct store *st, const char *commit, const char *note);
void acks_free(struct ack *a, size_t n);

#endif
