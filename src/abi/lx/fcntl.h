/*
 * lx/fcntl.h - open flags, fcntl commands, *at flags, lseek whences,
 * renameat2 flags and the dirent/statx layouts of Linux riscv64
 * (include/uapi/asm-generic/fcntl.h, linux/fcntl.h, linux/stat.h,
 * linux/fs.h).  riscv64 uses the generic values; the host's <fcntl.h> must
 * not stand in for them.  Freestanding: only <stdint.h>.
 */
#ifndef VMOS_ABI_LINUX_FCNTL_H
#define VMOS_ABI_LINUX_FCNTL_H

#include <stdint.h>

#define LX_O_RDONLY    00
#define LX_O_WRONLY    01
#define LX_O_RDWR      02
#define LX_O_ACCMODE   03
#define LX_O_CREAT     0100
#define LX_O_EXCL      0200
#define LX_O_NOCTTY    0400
#define LX_O_TRUNC     01000
#define LX_O_APPEND    02000
#define LX_O_NONBLOCK  04000
#define LX_O_DSYNC     010000
#define LX_O_ASYNC     020000
#define LX_O_DIRECT    040000
#define LX_O_LARGEFILE 0100000
#define LX_O_DIRECTORY 0200000
#define LX_O_NOFOLLOW  0400000
#define LX_O_NOATIME   01000000
#define LX_O_CLOEXEC   02000000
#define LX_O_SYNC      04010000
#define LX_O_PATH      010000000
#define LX_O_TMPFILE   020200000

#define LX_F_DUPFD         0
#define LX_F_GETFD         1
#define LX_F_SETFD         2
#define LX_F_GETFL         3
#define LX_F_SETFL         4
#define LX_F_DUPFD_CLOEXEC 1030
#define LX_FD_CLOEXEC      1

#define LX_AT_REMOVEDIR    0x200
#define LX_AT_EACCESS      0x200     /* faccessat2 */
#define LX_AT_NO_AUTOMOUNT 0x800
#define LX_AT_STATX_SYNC_TYPE 0x6000

#define LX_SEEK_SET  0
#define LX_SEEK_CUR  1
#define LX_SEEK_END  2
#define LX_SEEK_DATA 3
#define LX_SEEK_HOLE 4

#define LX_RENAME_NOREPLACE 1
#define LX_RENAME_EXCHANGE  2
#define LX_RENAME_WHITEOUT  4

#define LX_F_OK 0
#define LX_X_OK 1
#define LX_W_OK 2
#define LX_R_OK 4

/* getdents64 records: d_reclen is a multiple of 8. */
struct lx_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};
#define LX_DT_UNKNOWN 0
#define LX_DT_FIFO    1
#define LX_DT_CHR     2
#define LX_DT_DIR     4
#define LX_DT_BLK     6
#define LX_DT_REG     8
#define LX_DT_LNK     10
#define LX_DT_SOCK    12

/* statx (256 bytes). */
struct lx_statx_timestamp { int64_t tv_sec; uint32_t tv_nsec; int32_t reserved; };
struct lx_statx {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, spare0;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct lx_statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	uint64_t stx_mnt_id;
	uint32_t stx_dio_mem_align, stx_dio_offset_align;
	uint64_t spare3[12];
};
#define LX_STATX_TYPE        0x001
#define LX_STATX_MODE        0x002
#define LX_STATX_NLINK       0x004
#define LX_STATX_UID         0x008
#define LX_STATX_GID         0x010
#define LX_STATX_ATIME       0x020
#define LX_STATX_MTIME       0x040
#define LX_STATX_CTIME       0x080
#define LX_STATX_INO         0x100
#define LX_STATX_SIZE        0x200
#define LX_STATX_BLOCKS      0x400
#define LX_STATX_BASIC_STATS 0x7ff
#define LX_STATX_BTIME       0x800
#define LX_STATX_MNT_ID      0x1000
#define LX_STATX__RESERVED   0x80000000U

#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(sizeof(struct lx_statx) == 256, "struct statx is 256 bytes");
#endif

/* poll(2) events (include/uapi/asm-generic/poll.h) and struct pollfd */
#define LX_POLLIN     0x0001
#define LX_POLLPRI    0x0002
#define LX_POLLOUT    0x0004
#define LX_POLLERR    0x0008
#define LX_POLLHUP    0x0010
#define LX_POLLNVAL   0x0020
#define LX_POLLRDNORM 0x0040
#define LX_POLLRDBAND 0x0080
#define LX_POLLWRNORM 0x0100
#define LX_POLLWRBAND 0x0200
#define LX_POLLRDHUP  0x2000

struct lx_pollfd {
	int32_t fd;
	int16_t events;
	int16_t revents;
};

#endif
