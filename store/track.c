/* bootperf - what bootperf track keeps between nights (the track state,
 * <store>/track/<config>.json) and the acknowledgements (<store>/acks, a
 * text file people may edit).
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store.h"

#define TRACK_TYPE "bootperf-track-state"
#define TRACK_FORMAT 1

void track_state_free(struct track_state *s)
{
	char **strings[] = {&s->repo,  &s->remote, &s->url,	   &s->branch,
			    &s->start, &s->tip,	   &s->fetch_error};

	for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
		free(*strings[i]);
	for (size_t i = 0; i < s->n_history; i++)
		free(s->history[i].subject);
	for (size_t i = 0; i < s->n_changes; i++) {
		free(s->changes[i].ack);
		free(s->changes[i].ack_commit);
	}
	free(s->history);
	free(s->changes);
	memset(s, 0, sizeof *s);
}

static cJSON *known_object(const struct known_change *k)
{
	cJSON *o = cJSON_CreateObject();

	json_add_string(o, "before", k->before);
	json_add_string(o, "after", k->after);
	json_add_string(o, "direction",
			k->regression ? "regression" : "improvement");
	json_add_number(o, "first_seen", k->first_seen);
	json_add_string(o, "ack_commit", k->ack_commit);
	json_add_string(o, "ack", k->ack);
	return o;
}

static cJSON *track_json(const struct track_state *s)
{
	cJSON *root = cJSON_CreateObject(), *hist, *cps;

	json_add_string(root, "type", TRACK_TYPE);
	cJSON_AddNumberToObject(root, "format", TRACK_FORMAT);
	json_add_string(root, "config_id", s->config_id);
	json_add_string(root, "repo", s->repo);
	json_add_string(root, "remote", s->remote);
	json_add_string(root, "url", s->url);
	json_add_string(root, "branch", s->branch);
	cJSON_AddBoolToObject(root, "first_parent", s->first_parent);
	json_add_number(root, "alpha", s->alpha);
	json_add_number(root, "threshold_percent", s->threshold);
	json_add_string(root, "start", s->start);
	json_add_string(root, "tip", s->tip);
	json_add_number(root, "updated", s->updated);
	json_add_string(root, "fetch_error", s->fetch_error);
	hist = cJSON_AddArrayToObject(root, "history");
	for (size_t i = 0; i < s->n_history; i++) {
		cJSON *c = cJSON_CreateObject();

		json_add_string(c, "commit", s->history[i].id);
		json_add_string(c, "subject", s->history[i].subject);
		json_add_string(c, "base",
				s->history[i].base[0] ? s->history[i].base
						      : NULL);
		cJSON_AddItemToArray(hist, c);
	}
	cps = cJSON_AddArrayToObject(root, "change_points");
	for (size_t i = 0; i < s->n_changes; i++)
		cJSON_AddItemToArray(cps, known_object(&s->changes[i]));
	return root;
}

int store_put_track(struct store *st, const struct track_state *s)
{
	cJSON *root = track_json(s);
	char *text = root ? cJSON_Print(root) : NULL;
	char *name = bp_asprintf("%s.json", s->config_id);
	int ret = -1;

	if (!text)
		bp_error("out of memory writing the track state");
	else
		ret = store_write_text(st, "track", name, text);
	cJSON_free(text);
	cJSON_Delete(root);
	free(name);
	return ret;
}

/* --- reading the state back, trusting nothing --- */

static const cJSON *get(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

/* A string member or NULL; -1 when it is there and not a string. */
static int get_str(const cJSON *o, const char *key, char **out)
{
	const cJSON *it = get(o, key);

	*out = NULL;
	if (!it || cJSON_IsNull(it))
		return 0;
	if (!cJSON_IsString(it) || !it->valuestring)
		return -1;
	*out = bp_strdup(it->valuestring);
	return 0;
}

static int get_id(const cJSON *o, const char *key, char out[41])
{
	const cJSON *it = get(o, key);
	size_t n;

	if (!cJSON_IsString(it) || !it->valuestring)
		return -1;
	n = strlen(it->valuestring);
	if (n != 40 || strspn(it->valuestring, "0123456789abcdef") != 40)
		return -1;
	memcpy(out, it->valuestring, 41);
	return 0;
}

static double get_num(const cJSON *o, const char *key)
{
	const cJSON *it = get(o, key);

	return cJSON_IsNumber(it) && isfinite(it->valuedouble) ? it->valuedouble
							       : NAN;
}

/* "base": an id, or null for none; missing in older states. */
static int get_base(const cJSON *o, struct track_commit *c)
{
	const cJSON *it = get(o, "base");

	c->has_base = it != NULL;
	c->base[0] = '\0';
	if (!it || cJSON_IsNull(it))
		return 0;
	return get_id(o, "base", c->base);
}

static int track_history(struct track_state *s, const cJSON *arr)
{
	const cJSON *it;
	size_t n = 0;

	if (!cJSON_IsArray(arr))
		return -1;
	s->history = bp_malloc(((size_t)cJSON_GetArraySize(arr) + 1) *
			       sizeof *s->history);
	cJSON_ArrayForEach(it, arr)
	{
		struct track_commit *c = &s->history[n];

		if (get_id(it, "commit", c->id) == -1 ||
		    get_str(it, "subject", &c->subject) == -1 ||
		    get_base(it, c) == -1)
			return -1;
		s->n_history = ++n;
	}
	return 0;
}

static int track_changes(struct track_state *s, const cJSON *arr)
{
	const cJSON *it;
	size_t n = 0;

	if (!cJSON_IsArray(arr))
		return -1;
	s->changes = bp_malloc(((size_t)cJSON_GetArraySize(arr) + 1) *
			       sizeof *s->changes);
	cJSON_ArrayForEach(it, arr)
	{
		struct known_change *k = &s->changes[n];
		char *dir = NULL;
		int bad = get_id(it, "before", k->before) ||
			  get_id(it, "after", k->after) ||
			  get_str(it, "direction", &dir) ||
			  get_str(it, "ack", &k->ack) ||
			  get_str(it, "ack_commit", &k->ack_commit);

		s->n_changes = ++n;
		k->regression = dir && !strcmp(dir, "regression");
		k->first_seen = get_num(it, "first_seen");
		free(dir);
		if (bad)
			return -1;
	}
	return 0;
}

static int track_fields(struct track_state *s, const cJSON *root)
{
	const cJSON *type = get(root, "type"), *fp = get(root, "first_parent");
	char *config = NULL;
	int bad;

	if (!cJSON_IsString(type) ||
	    strcmp(type->valuestring, TRACK_TYPE) != 0 ||
	    get_num(root, "format") != TRACK_FORMAT)
		return -1;
	bad = get_str(root, "config_id", &config) ||
	      get_str(root, "repo", &s->repo) ||
	      get_str(root, "remote", &s->remote) ||
	      get_str(root, "url", &s->url) ||
	      get_str(root, "branch", &s->branch) ||
	      get_str(root, "start", &s->start) ||
	      get_str(root, "tip", &s->tip) ||
	      get_str(root, "fetch_error", &s->fetch_error) || !config ||
	      strlen(config) >= sizeof s->config_id;
	if (!bad)
		snprintf(s->config_id, sizeof s->config_id, "%s", config);
	free(config);
	s->first_parent = !cJSON_IsFalse(fp);
	s->alpha = get_num(root, "alpha");
	s->threshold = get_num(root, "threshold_percent");
	s->updated = get_num(root, "updated");
	return bad ? -1 : 0;
}

int store_get_track(struct store *st, const char *config_id,
		    struct track_state *out)
{
	char *name = bp_asprintf("%s.json", config_id);
	char *text = NULL, *path = NULL;
	cJSON *root = NULL;
	int ret;

	memset(out, 0, sizeof *out);
	ret = store_read_text(st, "track", name, &text, &path);
	if (ret != 0)
		goto out;
	root = cJSON_Parse(text);
	if (!root || track_fields(out, root) == -1 ||
	    track_history(out, get(root, "history")) == -1 ||
	    track_changes(out, get(root, "change_points")) == -1 ||
	    strcmp(out->config_id, config_id) != 0) {
		bp_error("corrupt track state '%s'; delete it to start "
			 "tracking afresh (results are kept)",
			 path);
		track_state_free(out);
		ret = -1;
	}
out:
	cJSON_Delete(root);
	free(text);
	free(path);
	free(name);
	return ret;
}

/* --- acknowledgements: <dir>/acks/COMMIT holds the note --- */

void acks_free(struct ack *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].commit);
		free(a[i].note);
	}
	free(a);
}

static bool ack_name(const char *name)
{
	size_t n = strlen(name);

	return n >= 7 && n <= 40 && strspn(name, "0123456789abcdef") == n;
}

/* The note, on one line, without trailing white space. */
static char *ack_note(const char *text)
{
	char *note = bp_strdup(text), *end;

	for (char *p = note; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	end = note + strlen(note);
	while (end > note && end[-1] == ' ')
		*--end = '\0';
	return note;
}

int store_get_acks(struct store *st, struct ack **out, size_t *n)
{
	char **names = NULL;
	size_t n_names = 0;
	int ret = store_list_dir(st, "acks", &names, &n_names);

	*out = bp_malloc((n_names + 1) * sizeof **out);
	*n = 0;
	for (size_t i = 0; ret == 0 && i < n_names; i++) {
		char *text = NULL, *path = NULL;

		if (!ack_name(names[i]))
			bp_warning("'%s/acks/%s' is not named after a commit "
				   "(7 to 40 hex digits); ignored",
				   store_dir(st), names[i]);
		else if (store_read_text(st, "acks", names[i], &text, &path) ==
			 0) {
			(*out)[*n].commit = bp_strdup(names[i]);
			(*out)[(*n)++].note = ack_note(text);
		}
		free(text);
		free(path);
	}
	for (size_t i = 0; i < n_names; i++)
		free(names[i]);
	free(names);
	return ret;
}

int store_add_ack(struct store *st, const char *commit, const char *note)
{
	char *flat = ack_note(note);
	int ret = store_write_text(st, "acks", commit, flat);

	free(flat);
	return ret;
}

/* --- the JSON report --- */
