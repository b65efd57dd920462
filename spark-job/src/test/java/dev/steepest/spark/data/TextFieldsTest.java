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

    @Test
    void plainNumbersFromBytesAreParseDoublesValuesBitForBitAndAnythingElseIsLeftToTheStringPath() {
        java.util.Random r = new java.util.Random(17);
        java.util.List<String> texts = new java.util.ArrayList<>(java.util.List.of("0", "-0", "+0", "-0.0", "5.",
                ".5", "007", "123456789012345", "1234567890123456", "98765432109876543210", "1e-3", "1E+3", "-2.5e-300",
                "4.9e-324", "2.2250738585072014E-308", "1.7976931348623157e308", "0.1", "0.30000000000000004"));
        for (int i = 0; i < 20_000; i++) {
            double v = switch (i % 4) {
                case 0 -> r.nextInt(256);
                case 1 -> r.nextGaussian();
                case 2 -> r.nextGaussian() * Math.pow(10, r.nextInt(600) - 300);
                default -> Math.round(r.nextGaussian() * 1e6) / 1e6;
            };
            texts.add(i % 8 == 7 ? String.format(java.util.Locale.ROOT, "%.6e", v) : Double.toString(v));
            texts.add(Long.toString(r.nextLong() >> r.nextInt(60)));
        }
        for (String t : texts) {
            byte[] b = ("," + t + ";").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            assertEquals(Double.doubleToRawLongBits(Double.parseDouble(t)),
                    Double.doubleToRawLongBits(TextFields.parsePlain(b, 1, b.length - 1)), t);
        }
        // not plain (the String path decides: a bad record, inf, nan, or a number written another way): NaN
        for (String t : new String[] {"", "-", ".", "e5", "1e", "1e+", " 1", "1 ", "1d", "2f", "0x10", "inf", "nan",
                "Infinity", "1,5", "1.2.3", "--1", "1e999", "-1e999", "١"}) {
            byte[] b = t.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(Double.NaN, TextFields.parsePlain(b, 0, b.length), t);
        }
    }
}
