/*
 * version.h — the firmware's version, as the Info menu shows it (manual
 * §3.4 "Firmware Version") and Read Device Identification reports it
 * (object 0x02 MajorMinorRevision).
 */
#ifndef MED2_VERSION_H
#define MED2_VERSION_H

#define MED2_FW_VERSION "0.3.0"

#endif /* MED2_VERSION_H */
