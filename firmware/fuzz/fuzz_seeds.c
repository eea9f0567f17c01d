/*
 * fuzz_seeds.c — writes the seed corpus of fuzz_mb_frame from the register
 * map (med2_regmap.h): for each map (byte 0: 0 = a C80 model, 1 = a B80
 * model) a read of every readable value and of every contiguous block, the
 * password, a write of every writable value with its default (unlocked,
 * then saved), every command, and device identification. Each seed is one
 * file in the input format of fuzz_mb_frame.c.
 *
 *   fuzz_seeds DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "med2_regmap.h"

static const struct med2_reg_info regs[MED2_REG_COUNT] = MED2_REG_INFO_TABLE;

#define CTL_CRC_DIRECT 0x01u  /* append the CRC, straight to the frame handler */
#define CTL_CRC_LINE 0x03u    /* append the CRC, through the UART path */

static unsigned char seed[1024];
static size_t seed_len;
static unsigned seed_count;
static const char *dir;

static void start(unsigned map)
{
    seed[0] = (unsigned char)map;
    seed_len = 1;
}

static void chunk(unsigned ctl, const unsigned char *pdu, size_t n)
{
    seed[seed_len++] = (unsigned char)ctl;
    seed[seed_len++] = (unsigned char)n;
    memcpy(&seed[seed_len], pdu, n);
    seed_len += n;
}

static void read_req(unsigned ctl, unsigned address, unsigned count)
{
    const unsigned char p[] = {1, 0x03, (unsigned char)(address >> 8), (unsigned char)address,
                               (unsigned char)(count >> 8), (unsigned char)count};
    chunk(ctl, p, sizeof p);
}

static void write_req(unsigned ctl, unsigned address, const unsigned short *w, unsigned count)
{
    unsigned char p[8 + 2 * 4];
    size_t n = 0;
    p[n++] = 1;
    p[n++] = 0x10;
    p[n++] = (unsigned char)(address >> 8);
    p[n++] = (unsigned char)address;
    p[n++] = 0;
    p[n++] = (unsigned char)count;
    p[n++] = (unsigned char)(2 * count);
    for (unsigned i = 0; i < count; i++) {
        p[n++] = (unsigned char)(w[i] >> 8);
        p[n++] = (unsigned char)w[i];
    }
    chunk(ctl, p, n);
}

static void write1_req(unsigned ctl, unsigned address, unsigned value)
{
    const unsigned char p[] = {1, 0x06, (unsigned char)(address >> 8), (unsigned char)address,
                               (unsigned char)(value >> 8), (unsigned char)value};
    chunk(ctl, p, sizeof p);
}

static void password(void)
{
    /* 0000001 in the manual's layout (§5): NUL, digits last to first. */
    static const unsigned short pw[4] = {0x0031, 0x3030, 0x3030, 0x3030};
    write_req(CTL_CRC_DIRECT, MED2_ADDR_PASSWORD_0_2, pw, 4);
}

static void finish(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/seed-%04u", dir, seed_count++);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(seed, 1, seed_len, f) != seed_len || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fuzz_seeds DIR\n");
        return 2;
    }
    dir = argv[1];
    for (unsigned map = 0; map < MED2_MAP_COUNT; map++) {
        unsigned block_start = MED2_NA, block_end = 0;
        for (int i = 0; i < MED2_REG_COUNT; i++) {
            const struct med2_reg_info *r = &regs[i];
            unsigned a = r->address[map], words = MED2_REG_WORDS(r->type);
            if (a == MED2_NA)
                continue;
            if (r->access & MED2_A_R) {
                start(map);
                read_req(CTL_CRC_DIRECT, a, words);
                read_req(CTL_CRC_LINE, a, words);
                finish();
                /* contiguous blocks, as the rig reads them */
                if (block_start != MED2_NA && a == block_end && block_end + words - block_start <= 125) {
                    block_end += words;
                } else {
                    if (block_start != MED2_NA) {
                        start(map);
                        read_req(CTL_CRC_DIRECT, block_start, block_end - block_start);
                        finish();
                    }
                    block_start = a;
                    block_end = a + words;
                }
            }
            if (r->access & MED2_A_W && r->type != MED2_T_CHARS) {
                start(map);
                password();
                if (words == 1) {
                    write1_req(CTL_CRC_DIRECT, a, (unsigned)r->min);
                } else {
                    unsigned long v = (unsigned long)r->def;
                    unsigned short w[2] = {(unsigned short)(v >> 16), (unsigned short)v};
                    if (r->type == MED2_T_FLOAT) {
                        float f = (float)r->def;
                        unsigned int u;
                        memcpy(&u, &f, sizeof u);
                        w[0] = (unsigned short)(u >> 16);
                        w[1] = (unsigned short)u;
                    }
                    write_req(CTL_CRC_DIRECT, a, w, 2);
                    write1_req(CTL_CRC_DIRECT, MED2_ADDR_SYSTEM_COMMAND, 100);
                    read_req(CTL_CRC_DIRECT, a, 2);
                }
                finish();
            }
        }
        if (block_start != MED2_NA) {
            start(map);
            read_req(CTL_CRC_DIRECT, block_start, block_end - block_start);
            finish();
        }
        static const unsigned commands[] = {100, 110, 120};
        for (unsigned k = 0; k < 3; k++) {
            start(map);
            password();
            write1_req(CTL_CRC_DIRECT, MED2_ADDR_SYSTEM_COMMAND, commands[k]);
            read_req(CTL_CRC_DIRECT, MED2_ADDR_DEMAND_PERIOD, 2);
            finish();
        }
        static const unsigned counter[] = {200, 210, 220};
        for (unsigned k = 0; k < 3; k++) {
            start(map);
            password();
            write1_req(CTL_CRC_DIRECT, MED2_ADDR_COUNTER_COMMAND, counter[k]);
            finish();
        }
        /* device identification: basic stream, individual object 1 */
        static const unsigned char devid[] = {1, 0x2B, 0x0E, 0x01, 0x00};
        static const unsigned char devid1[] = {1, 0x2B, 0x0E, 0x04, 0x01};
        start(map);
        chunk(CTL_CRC_DIRECT, devid, sizeof devid);
        chunk(CTL_CRC_LINE, devid1, sizeof devid1);
        finish();
        /* a broadcast write after a broadcast password */
        start(map);
        static const unsigned short pw[4] = {0x0031, 0x3030, 0x3030, 0x3030};
        unsigned char p[16] = {0, 0x10, 0x17, 0x70, 0, 4, 8};
        for (int i = 0; i < 4; i++) {
            p[7 + 2 * i] = (unsigned char)(pw[i] >> 8);
            p[8 + 2 * i] = (unsigned char)pw[i];
        }
        chunk(CTL_CRC_DIRECT, p, 15);
        finish();
    }
    printf("%u seeds in %s\n", seed_count, dir);
    return 0;
}
