// sync_journal.so: an LD_PRELOAD library that records what a process has made durable, so a
// test can simulate a power cut afterwards (tests/integration/test_powercut.py).
//
// For every successful fsync/fdatasync of a regular file under $SLUICE_POWERCUT_DIR it appends
// one line "<size> <path>\n" to $SLUICE_POWERCUT_JOURNAL, where <size> is the file's size
// measured *before* the sync started: every byte below it was written before the sync, so
// the sync made it durable. Bytes past the last recorded size may sit only in the page cache,
// and a power cut could lose them. The journal line is one write(2) to an O_APPEND file, so it
// survives the process being SIGKILLed (the machine does not really lose power).
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int journal_fd = -1;
static const char* watched_dir;

__attribute__((constructor)) static void init(void) {
  const char* journal = getenv("SLUICE_POWERCUT_JOURNAL");
  watched_dir = getenv("SLUICE_POWERCUT_DIR");
  if (journal && watched_dir) {
    journal_fd = open(journal, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  }
}

// Size of `fd` if it is a regular file under the watched directory, else -1.
static long long watched_size(int fd, char* path, size_t path_len) {
  if (journal_fd < 0) return -1;
  char link[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, path, path_len - 1);
  if (n <= 0) return -1;
  path[n] = '\0';
  size_t dir_len = strlen(watched_dir);
  if (strncmp(path, watched_dir, dir_len) != 0 || path[dir_len] != '/') return -1;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return -1;
  return (long long)st.st_size;
}

static void record(long long size, const char* path) {
  char line[PATH_MAX + 32];
  int len = snprintf(line, sizeof line, "%lld %s\n", size, path);
  if (len > 0 && (size_t)len < sizeof line) {
    ssize_t ignored = write(journal_fd, line, (size_t)len);
    (void)ignored;
  }
}

static int synced(int fd, int (*real)(int)) {
  char path[PATH_MAX];
  long long size = watched_size(fd, path, sizeof path);
  int rc = real(fd);
  if (rc == 0 && size >= 0) record(size, path);
  return rc;
}

int fsync(int fd) {
  static int (*real)(int);
  if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
  return synced(fd, real);
}

int fdatasync(int fd) {
  static int (*real)(int);
  if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
  return synced(fd, real);
}
