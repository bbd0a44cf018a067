/* Home calls from away: prints its pid, blocks reading one byte of stdin (where it is migrated),
 * then copies argv[1] to stdout, writes argv[2], checks that getpid and getppid did not change,
 * that its working directory is the same, that stdout is not a terminal here either, and exits 3. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) { fprintf(stderr, "usage: migrate_io INPUT OUTPUT\n"); return 2; }
    pid_t pid = getpid(), ppid = getppid();
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) { perror("getcwd"); return 1; }
    printf("migrate_io: started\n");
    fflush(stdout);

    char go;
    if (read(0, &go, 1) != 1) { perror("read stdin"); return 1; }

    int in = open(argv[1], O_RDONLY);
    if (in < 0) { perror(argv[1]); return 1; }
    char buf[512];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0)
        fwrite(buf, 1, (size_t)n, stdout);
    close(in);

    FILE *out = fopen(argv[2], "w");
    if (!out) { perror(argv[2]); return 1; }
    fprintf(out, "written after the byte '%c'\n", go);
    fclose(out);

    char cwd_after[4096];
    printf("same pid: %s\n", getpid() == pid ? "yes" : "no");
    printf("same ppid: %s\n", getppid() == ppid ? "yes" : "no");
    printf("same cwd: %s\n", getcwd(cwd_after, sizeof cwd_after) && strcmp(cwd, cwd_after) == 0 ? "yes" : "no");
    printf("stdout a tty: %s\n", isatty(1) ? "yes" : "no");
    return 3;
}
