/* Shared between the files of libmosix; not part of its interface. */
#ifndef MOSIX_INTERNAL_H
#define MOSIX_INTERNAL_H

#include <pthread.h>

/* Gives the child the signal dispositions and mask mosrun itself inherited. */
void mosix_child_restore_signals(void);

#endif
