/* A call that cannot be served away from home: prints "started", blocks reading one byte of stdin
 * (it is moved away meanwhile), then makes an ioctl no one knows the memory of, and prints how it
 * failed. Native and at home: ENOTTY (stdout is not a terminal); away: ENOSYS with mosrun -e or -w,
 * and without them the process is ended. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(void)
{
    printf("migrate_ioctl: started\n");
    fflush(stdout);
    char go;
    if (read(0, &go, 1) != 1) { perror("read stdin"); return 1; }
    char buffer[64];
    int r = ioctl(1, 0xC0404D58, buffer);
    printf("ioctl: %d %s\n", r, r < 0 ? strerror(errno) : "ok");
    return 0;
}
