package dev.steepest.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The text rules of the input formats, without Spark. */
class TextFieldsTest {
    @Test
    void splitsOnTheDelimiterHonouringQuotesAndTrimmingUnquotedFields() {
        assertArrayEquals(new String[] {"1", "a,b", " c ", "", "d\"e"},
                TextFields.split(" 1 ,\"a,b\",\" c \",,\"d\"\"e\"", ','));
        assertArrayEquals(new String[] {"1", "2", ""}, TextFields.split("1\t2\t", '\t'));
        assertArrayEquals(new String[] {"x", "y"}, TextFields.split("x;y\r", ';'));
        assertNull(TextFields.split("1,\"open", ','));
    }

    @Test
    void readsNumbersAsDataFilesWriteThemAndNamesTheProblem() {
        assertEquals(-0.001, TextFields.parse(" -1e-3 "));
        assertEquals(Double.POSITIVE_INFINITY, TextFields.parse("inf"));
        assertEquals(Double.NEGATIVE_INFINITY, TextFields.parse("-Infinity"));
        assertEquals(Double.NaN, TextFields.parse("1d"));
        assertEquals(Double.NaN, TextFields.parse("2f"));
        assertEquals(Double.NaN, TextFields.parse("0x10"));
        assertNull(TextFields.problem("3.25"));
        assertEquals(BadRecord.MISSING_VALUE, TextFields.problem(""));
        assertEquals(BadRecord.NOT_A_NUMBER, TextFields.problem("abc"));
        assertEquals(BadRecord.NON_FINITE, TextFields.problem("NaN"));
        assertEquals(BadRecord.NON_FINITE, TextFields.problem("inf"));
        assertEquals(BadRecord.NON_FINITE, TextFields.problem("1e999"));
        assertEquals('\t', TextFields.delimiter("\\t"));
        assertEquals('\t', TextFields.delimiter("tab"));
        assertEquals('|', TextFields.delimiter("|"));
    }
}
