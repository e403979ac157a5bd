/* Fuzz the result-store reader: any bytes as a stored result file must
 * give a result or one clear error, never a crash, a leak or a hang.
 * The same path as a real run: store_get on <store>/results/CFG/ID.json
 * (size and type checks, JSON parsing, the truncation heuristic, every
 * field's type and range, the owner check).
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reports.h"
#include "store.h"

#define FUZZ_CORPUS "store"
#include "replay.h"

#define CFG "0123abcd0123abcd"
#define ID "1111111111111111111111111111111111111111"

static struct store *st;
static char *file;

static void setup(void)
{
	const char *base = fuzz_tmpdir("store");
	char *dir;

	dir = bp_asprintf("%s/store", base);
	if (store_open(&st, dir) == -1)
		abort();
	free(dir);
	dir = bp_asprintf("%s/store/results/" CFG, base);
	if (mkdir(dir, 0700) == -1)
		abort();
	file = bp_asprintf("%s/" ID ".json", dir);
	free(dir);
	quiet_stderr();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct commit_result r;
	int fd;

	if (!st)
		setup();
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd == -1 || write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
	if (store_get(st, CFG, ID, &r) == 0 &&
	    (!r.commit_id || strcmp(r.commit_id, ID) != 0))
		abort(); /* read back, but not the commit it claims */
	commit_result_free(&r);
	return 0;
}
