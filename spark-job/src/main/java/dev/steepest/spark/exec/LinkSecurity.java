package dev.steepest.spark.exec;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.SecurityManager;
import org.apache.spark.SparkEnv;

/**
 * How strong the resident tasks' link to the driver must be, and the handshake of the secured link. The rule: no
 * weaker than Spark's own RPC.
 *
 * <ul>
 *   <li>Under a local master the tasks run in the driver's JVM and attach in memory: nothing listens.</li>
 *   <li>Without {@code spark.authenticate} and without RPC encryption, Spark's RPC is in clear and unauthenticated;
 *       the link is plain TCP, and a random 128-bit token per start of the tasks (sent in the task closure)
 *       admits a connection.</li>
 *   <li>With {@code spark.authenticate}, the link is authenticated and encrypted with keys derived from the
 *       application secret that Spark's {@link SecurityManager} already holds on the driver and every executor:
 *       each connection exchanges two fresh 16-byte nonces, derives one AES-256-GCM key per direction
 *       (HKDF-SHA256 of the secret, salted with both nonces), and from then on every message is a
 *       {@link SealedFrames} frame. The task's first frame (token and partition) proves it holds the secret, the
 *       driver's first command proves the driver does; a stranger's frames fail their tag and it is dropped.</li>
 *   <li>With RPC encryption ({@code spark.network.crypto.enabled}, {@code spark.ssl.rpc.enabled} or
 *       {@code spark.ssl.enabled}) but no {@code spark.authenticate}, there is no shared secret to key the link
 *       with: the run takes one Spark job per step and says why.</li>
 * </ul>
 */
final class LinkSecurity {
    private static final int MAGIC = 0x53545231; // "STR1": a secured link's first four bytes
    private static final int NONCE_BYTES = 16;
    private static final int HELLO_FRAME_LIMIT = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private LinkSecurity() {
    }

    /** How a run's resident tasks reach the driver, as {@code summary.json} {@code resident_link} names it. */
    enum Link {
        IN_PROCESS("in-process", "in memory (the tasks run in the driver's JVM)"),
        TCP("tcp", "over TCP, admitted by a per-start token (Spark's RPC is neither authenticated nor encrypted)"),
        TCP_AES_GCM("tcp-aes-gcm", "over TCP, authenticated and encrypted (AES-256-GCM, keys from Spark's "
                + "application secret)");

        final String id;
        final String description;

        Link(String id, String description) {
            this.id = id;
            this.description = description;
        }
    }

    /** The link a run may use, or why it may use none ({@code link} null). */
    record Decision(Link link, String refusal) {
    }

    /** The decision for this application, from what Spark's {@link SecurityManager} on the driver says. */
    static Decision decide(boolean localMaster) {
        if (localMaster) return decide(true, false, false, false, false);
        SecurityManager sm = SparkEnv.get().securityManager();
        boolean authenticate = sm.isAuthenticationEnabled();
        return decide(false, authenticate, sm.isEncryptionEnabled(), sm.isSslRpcEnabled(),
                authenticate && sparkSecretOrNull() != null);
    }

    static Decision decide(boolean localMaster, boolean authenticate, boolean encrypted, boolean sslRpc,
                           boolean hasSecret) {
        if (localMaster) return new Decision(Link.IN_PROCESS, null);
        if (authenticate) {
            return hasSecret ? new Decision(Link.TCP_AES_GCM, null) : new Decision(null, "spark.authenticate is on "
                    + "but Spark holds no application secret to key the resident link with");
        }
        if (encrypted || sslRpc) {
            return new Decision(null, "Spark's RPC is encrypted (" + (sslRpc ? "spark.ssl" : "spark.network.crypto")
                    + ") but spark.authenticate is off, so there is no shared secret to secure the resident link "
                    + "with");
        }
        return new Decision(Link.TCP, null);
    }

    /** The application secret of this JVM's Spark environment (driver or executor). */
    static String sparkSecret() throws IOException {
        String s = sparkSecretOrNull();
        if (s == null) throw new IOException("no Spark application secret in this JVM for the resident link");
        return s;
    }

    private static String sparkSecretOrNull() {
        try {
            SparkEnv env = SparkEnv.get();
            return env == null ? null : env.securityManager().getSecretKey();
        } catch (RuntimeException | LinkageError e) {
            return null; // no secret set, or an internal API of Spark's that moved: the caller refuses the link
        }
    }

    /** The task's side of a secured link: nonces, keys, and a channel whose frames are sealed. */
    static ResidentChannel clientHandshake(Socket socket, String secret, ResidentChannel.Limits limits)
            throws IOException {
        InputStream rawIn = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        OutputStream rawOut = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        byte[] client = nonce();
        DataOutputStream out = new DataOutputStream(rawOut);
        out.writeInt(MAGIC);
        out.write(client);
        out.flush();
        byte[] server = new byte[NONCE_BYTES];
        new DataInputStream(rawIn).readFully(server);
        byte[][] keys = keys(secret, client, server);
        return new ResidentChannel(socket, new SealedFrames.Reader(rawIn, keys[1], limits.frameBytes(),
                limits.frameBytes()), new SealedFrames.Writer(rawOut, keys[0]), limits);
    }

    /** The driver's side: a channel whose first frame (the hello) may be at most {@value #HELLO_FRAME_LIMIT} bytes. */
    static ResidentChannel serverHandshake(Socket socket, String secret, ResidentChannel.Limits limits)
            throws IOException {
        InputStream rawIn = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        OutputStream rawOut = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        DataInputStream in = new DataInputStream(rawIn);
        if (in.readInt() != MAGIC) throw new IOException("not a secured resident link's handshake");
        byte[] client = new byte[NONCE_BYTES];
        in.readFully(client);
        byte[] server = nonce();
        rawOut.write(server);
        rawOut.flush();
        byte[][] keys = keys(secret, client, server);
        return new ResidentChannel(socket, new SealedFrames.Reader(rawIn, keys[0], HELLO_FRAME_LIMIT,
                limits.frameBytes()), new SealedFrames.Writer(rawOut, keys[1]), limits);
    }

    private static byte[] nonce() {
        byte[] n = new byte[NONCE_BYTES];
        RANDOM.nextBytes(n);
        return n;
    }

    /** HKDF-SHA256 (RFC 5869) of the secret, salted with both nonces: {task-to-driver key, driver-to-task key}. */
    static byte[][] keys(String secret, byte[] client, byte[] server) {
        try {
            byte[] salt = Arrays.copyOf(client, client.length + server.length);
            System.arraycopy(server, 0, salt, client.length, server.length);
            byte[] prk = hmac(salt, secret.getBytes(StandardCharsets.UTF_8));
            return new byte[][] {expand(prk, "steepest resident link v1: task to driver"),
                    expand(prk, "steepest resident link v1: driver to task")};
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no HmacSHA256", e);
        }
    }

    private static byte[] expand(byte[] prk, String info) throws GeneralSecurityException {
        byte[] label = info.getBytes(StandardCharsets.UTF_8);
        byte[] t = Arrays.copyOf(label, label.length + 1);
        t[label.length] = 1; // one block of HKDF-Expand: 32 bytes, an AES-256 key
        return hmac(prk, t);
    }

    private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }
}
