#pragma once
// ICU renames every C function with its major version (ucurr_getDefaultFractionDigits_72);
// these wrappers keep that out of Swift, so a Debian ICU upgrade needs no source change.
#include <unicode/ucurr.h>
#include <unicode/uenum.h>
#include <unicode/ustring.h>
#include <string.h>

/// Writes the codes of the currencies in circulation (3 letters each, back to back) into
/// `codes` and answers how many there are, or -1 when ICU fails or `capacity` is too small.
static inline int booking_currencies_in_circulation(char *codes, int capacity) {
    UErrorCode status = U_ZERO_ERROR;
    UEnumeration *all = ucurr_openISOCurrencies(UCURR_COMMON | UCURR_NON_DEPRECATED, &status);
    if (U_FAILURE(status)) return -1;
    int count = 0;
    int32_t length = 0;
    const char *code;
    while ((code = uenum_next(all, &length, &status)) != NULL && U_SUCCESS(status)) {
        if (length != 3) continue;
        if ((count + 1) * 3 > capacity) { count = -1; break; }
        memcpy(codes + count * 3, code, 3);
        count++;
    }
    uenum_close(all);
    return U_FAILURE(status) ? -1 : count;
}

/// The number of minor-unit digits of a currency (CLDR's, as browsers' Intl uses), or -1.
static inline int booking_currency_digits(const char *code) {
    UChar wide[4];
    u_charsToUChars(code, wide, 3);
    wide[3] = 0;
    UErrorCode status = U_ZERO_ERROR;
    int32_t digits = ucurr_getDefaultFractionDigits(wide, &status);
    return U_FAILURE(status) ? -1 : digits;
}
