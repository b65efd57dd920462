package dev.steepest.spark.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The secured link's frames and its policy: what travels is sealed, and what is altered or too long is refused. */
class SealedFramesTest {
    private static final byte[] KEY = LinkSecurity.keys("the application secret", new byte[16], new byte[16])[0];

    private static byte[] seal(byte[] key, double... values) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(new SealedFrames.Writer(wire, key));
        for (double v : values) out.writeDouble(v);
        out.flush();
        out.writeDouble(-1.0); // a second frame
        out.flush();
        return wire.toByteArray();
    }

    @Test
    void sealedFramesCarryTheExactBitsAndNothingInClear() throws IOException {
        double[] params = {0.1, Math.PI, -3e-300, Double.MIN_VALUE, 42.0};
        byte[] wire = seal(KEY, params);
        DataInputStream in = new DataInputStream(new SealedFrames.Reader(new ByteArrayInputStream(wire), KEY, 1024,
                1024));
        for (double v : params) assertEquals(Double.doubleToRawLongBits(v), Double.doubleToRawLongBits(in.readDouble()));
        assertEquals(-1.0, in.readDouble());
        assertEquals(-1, in.read(), "end of stream after the last frame");
        // none of the values' eight bytes appear on the wire
        for (double v : params) {
            byte[] raw = ByteBuffer.allocate(8).putDouble(v).array();
            assertFalse(contains(wire, raw), "the bytes of " + v + " travel in clear");
        }
    }

    @Test
    void anAlteredReorderedOrForeignFrameFailsItsTag() throws IOException {
        byte[] wire = seal(KEY, 1.0, 2.0);
        byte[] altered = wire.clone();
        altered[10] ^= 1;
        assertThrows(IOException.class, () -> readAll(altered, KEY));
        byte[] other = LinkSecurity.keys("another secret", new byte[16], new byte[16])[0];
        assertThrows(IOException.class, () -> readAll(wire, other));
        // the second frame alone (the first dropped): its nonce is the second frame's, the reader expects the first
        int first = 4 + ByteBuffer.wrap(wire, 0, 4).getInt();
        assertThrows(IOException.class, () -> readAll(Arrays.copyOfRange(wire, first, wire.length), KEY));
        // the two keys of one connection differ, so a frame reflected back to its sender fails too
        byte[][] both = LinkSecurity.keys("s", new byte[16], new byte[16]);
        assertFalse(Arrays.equals(both[0], both[1]));
        assertThrows(IOException.class, () -> readAll(seal(both[0], 1.0), both[1]));
    }

    @Test
    void aFrameLongerThanTheLimitIsRefusedBeforeItIsRead() {
        byte[] huge = ByteBuffer.allocate(8).putInt(Integer.MAX_VALUE).putInt(0).array();
        IOException e = assertThrows(IOException.class, () -> readAll(huge, KEY));
        assertTrue(e.getMessage().contains("at most 64"), e.getMessage());
    }

    @Test
    void sparksSecuritySettingsDecideTheLink() {
        assertEquals(LinkSecurity.Link.IN_PROCESS, LinkSecurity.decide(true, true, true, true, false).link());
        assertEquals(LinkSecurity.Link.TCP, LinkSecurity.decide(false, false, false, false, false).link());
        assertEquals(LinkSecurity.Link.TCP_AES_GCM, LinkSecurity.decide(false, true, false, false, true).link());
        assertEquals(LinkSecurity.Link.TCP_AES_GCM, LinkSecurity.decide(false, true, true, true, true).link());
        LinkSecurity.Decision noSecret = LinkSecurity.decide(false, true, true, false, false);
        assertNull(noSecret.link());
        assertTrue(noSecret.refusal().contains("no application secret"), noSecret.refusal());
        LinkSecurity.Decision tlsOnly = LinkSecurity.decide(false, false, false, true, false);
        assertNull(tlsOnly.link());
        assertTrue(tlsOnly.refusal().contains("spark.ssl") && tlsOnly.refusal().contains("spark.authenticate is off"),
                tlsOnly.refusal());
        assertNull(LinkSecurity.decide(false, false, true, false, false).link());
    }

    private static void readAll(byte[] wire, byte[] key) throws IOException {
        SealedFrames.Reader in = new SealedFrames.Reader(new ByteArrayInputStream(wire), key, 64, 1024);
        while (in.read() >= 0) {
            // drain
        }
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return true;
        }
        return false;
    }
}
