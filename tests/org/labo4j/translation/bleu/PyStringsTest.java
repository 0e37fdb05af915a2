package org.labo4j.translation.bleu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Python 3's str.isspace() set is category Zs plus bidi classes WS, B, S (see the Python docs). */
class PyStringsTest {

    @Test
    void whitespaceIsPythonsNotJavas() {
        for (int cp : new int[] {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0,
                0x1680, 0x2000, 0x2007, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000}) {
            assertTrue(PyStrings.isSpace(cp), Integer.toHexString(cp));
        }
        // Zero-width space (Cf), U+180E (Cf since Unicode 6.3) and a letter are not whitespace.
        for (int cp : new int[] {0x200B, 0x180E, 0xFEFF, 'a', 0x08}) {
            assertFalse(PyStrings.isSpace(cp), Integer.toHexString(cp));
        }
    }

    @Test
    void splitDropsEmptyTokens() {
        assertEquals(List.of("a", "b", "c\u200Bd"), PyStrings.split("\u00A0a\u2003\u2003b\u001Cc\u200Bd\n"));
        assertEquals(List.of(), PyStrings.split(" \t "));
        assertEquals(List.of(), PyStrings.split(""));
    }

    @Test
    void rstripRemovesTrailingPythonWhitespaceOnly() {
        assertEquals("  a b", PyStrings.rstrip("  a b \u00A0\r\u3000"));
        assertEquals("", PyStrings.rstrip(" \t"));
    }
}
