/*
 * nv.h — hal.h's NV memory: the MB85RS64V FRAM on SPI2 (mb85rs64v.h).
 */
#ifndef NV_H
#define NV_H

/* SPI2 and the part: 0, or -EIO if it does not answer (every save then
 * fails, which the core reports: "NV memory fails to write"). */
int nv_init(void);

#endif /* NV_H */
