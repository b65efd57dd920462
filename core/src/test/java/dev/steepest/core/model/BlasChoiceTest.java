package dev.steepest.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** How {@code steepest.blas=auto} decides whether a native BLAS may run the kernels (see {@link Blas}). */
class BlasChoiceTest {
    private static final String OPENBLAS = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so";
    private static final String MKL = "/opt/intel/oneapi/mkl/latest/lib/intel64/libmkl_rt.so.2";

    @Test
    void aNativeBlasMustBeLimitedToOneThreadPerCallByItsOwnVariable() {
        assertTrue(Blas.singleThreaded(OPENBLAS, Map.of("OPENBLAS_NUM_THREADS", "1")));
        assertTrue(Blas.singleThreaded(OPENBLAS, Map.of("OMP_NUM_THREADS", " 1 ")));
        assertTrue(Blas.singleThreaded(MKL, Map.of("MKL_NUM_THREADS", "1")));
        assertFalse(Blas.singleThreaded(OPENBLAS, Map.of()));
        assertFalse(Blas.singleThreaded(OPENBLAS, Map.of("OPENBLAS_NUM_THREADS", "2")));
        // the library reads its own variable before OMP_NUM_THREADS, and ignores the other library's
        assertFalse(Blas.singleThreaded(OPENBLAS, Map.of("OPENBLAS_NUM_THREADS", "4", "OMP_NUM_THREADS", "1")));
        assertFalse(Blas.singleThreaded(OPENBLAS, Map.of("OPENBLAS_NUM_THREADS", "4", "MKL_NUM_THREADS", "1")));
        assertFalse(Blas.singleThreaded(MKL, Map.of("OPENBLAS_NUM_THREADS", "1")));
    }

    @Test
    void onlyTunedLibrariesCount() {
        assertTrue(Blas.isTuned("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"));
        assertTrue(Blas.isTuned(OPENBLAS));
        assertTrue(Blas.isTuned(MKL));
        assertTrue(Blas.isTuned("/usr/lib/x86_64-linux-gnu/blis-openmp/libblas.so.3"));
        // Debian's reference BLAS (libblas3), which made the MLP kernel 5-11x slower than the Java loops
        assertFalse(Blas.isTuned("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0"));
    }

    @Test
    void theModeIsOneOfThree() {
        assertEquals(Blas.Mode.AUTO, Blas.Mode.parse("auto"));
        assertEquals(Blas.Mode.JAVA, Blas.Mode.parse("java"));
        assertEquals(Blas.Mode.NATIVE, Blas.Mode.parse("native"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Blas.Mode.parse("bogus")).getMessage()
                .contains("steepest.blas must be auto, java or native, not 'bogus'"));
    }
}
