package dev.steepest.spark.exec;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticated encryption of a resident link: byte streams cut into frames, each sealed with AES-256-GCM (JDK
 * crypto) under a key of one direction of one connection. A frame is {@code int length, length bytes of ciphertext
 * and 16-byte tag}; its nonce is the frame's sequence number in that direction (never sent, so a dropped, replayed or
 * reordered frame fails its tag), and the length is authenticated as the frame's associated data. A frame longer
 * than the reader's limit is refused before anything is allocated for it.
 *
 * <p>The writer seals what was written since the last {@code flush()} as one frame: the channel flushes once per
 * message, so a message is a frame.
 */
final class SealedFrames {
    static final int TAG_BYTES = 16;

    private SealedFrames() {
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no AES/GCM cipher", e);
        }
    }

    /** {@code c} set up for the frame with this sequence number and length. */
    private static Cipher init(Cipher c, SecretKeySpec key, int mode, long sequence, int length)
            throws GeneralSecurityException {
        byte[] nonce = new byte[12];
        for (int i = 0; i < 8; i++) nonce[4 + i] = (byte) (sequence >>> (8 * (7 - i)));
        c.init(mode, key, new GCMParameterSpec(8 * TAG_BYTES, nonce));
        c.updateAAD(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length});
        return c;
    }

    /** Seals each flushed run of bytes as one frame. */
    static final class Writer extends OutputStream {
        private final OutputStream out;
        private final SecretKeySpec key;
        private final Cipher cipher = newCipher();
        private byte[] plain = new byte[256];
        private byte[] sealed = new byte[0];
        private int size;
        private long sequence;

        Writer(OutputStream out, byte[] key) {
            this.out = out;
            this.key = new SecretKeySpec(key, "AES");
        }

        @Override
        public void write(int b) {
            ensure(size + 1);
            plain[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(size + len);
            System.arraycopy(b, off, plain, size, len);
            size += len;
        }

        private void ensure(int n) {
            if (n > plain.length) plain = java.util.Arrays.copyOf(plain, Math.max(n, 2 * plain.length));
        }

        @Override
        public void flush() throws IOException {
            if (size == 0) return;
            int length = size + TAG_BYTES;
            if (sealed.length < 4 + length) sealed = new byte[4 + length];
            sealed[0] = (byte) (length >>> 24);
            sealed[1] = (byte) (length >>> 16);
            sealed[2] = (byte) (length >>> 8);
            sealed[3] = (byte) length;
            try {
                init(cipher, key, Cipher.ENCRYPT_MODE, sequence++, length).doFinal(plain, 0, size, sealed, 4);
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot seal a resident link frame: " + e, e);
            }
            out.write(sealed, 0, 4 + length);
            out.flush();
            size = 0;
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /** Opens frames one at a time and serves their bytes; a frame that fails its tag ends the stream. */
    static final class Reader extends InputStream {
        private final DataInputStream in;
        private final SecretKeySpec key;
        private final Cipher cipher = newCipher();
        private final int firstLimit;
        private final int limit;
        private byte[] sealed = new byte[0];
        private byte[] plain = new byte[0];
        private int pos;
        private int size;
        private long sequence;

        /** @param firstLimit the longest first frame accepted (a hello), {@code limit} for every later one */
        Reader(InputStream in, byte[] key, int firstLimit, int limit) {
            this.in = new DataInputStream(in);
            this.key = new SecretKeySpec(key, "AES");
            this.firstLimit = firstLimit;
            this.limit = limit;
        }

        private boolean fill() throws IOException {
            while (pos == size) {
                int length;
                try {
                    length = in.readInt();
                } catch (EOFException e) {
                    return false;
                }
                int max = sequence == 0 ? firstLimit : limit;
                if (length < TAG_BYTES || length > max) {
                    throw new IOException("a resident link frame of " + length + " bytes (at most " + max + ")");
                }
                if (sealed.length < length) sealed = new byte[length];
                in.readFully(sealed, 0, length);
                if (plain.length < length - TAG_BYTES) plain = new byte[length - TAG_BYTES];
                try {
                    size = init(cipher, key, Cipher.DECRYPT_MODE, sequence++, length).doFinal(sealed, 0, length, plain, 0);
                } catch (AEADBadTagException e) {
                    throw new IOException("a resident link frame failed authentication (wrong key, or altered)");
                } catch (GeneralSecurityException e) {
                    throw new IOException("cannot open a resident link frame: " + e, e);
                }
                pos = 0;
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            return fill() ? plain[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (!fill()) return -1;
            int n = Math.min(len, size - pos);
            System.arraycopy(plain, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
