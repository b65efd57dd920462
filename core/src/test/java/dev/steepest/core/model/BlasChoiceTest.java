package dev.steepest.core.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** How {@code steepest.blas=auto} decides whether a native BLAS may run the kernels (see {@link Blas}). */
class BlasChoiceTest {

    @Test
    void aNativeBlasMustBeLimitedToOneThreadPerCall() {
        assertTrue(Blas.singleThreaded(Map.of("OPENBLAS_NUM_THREADS", "1")));
        assertTrue(Blas.singleThreaded(Map.of("MKL_NUM_THREADS", " 1 ")));
        assertTrue(Blas.singleThreaded(Map.of("OMP_NUM_THREADS", "1")));
        assertFalse(Blas.singleThreaded(Map.of()));
        assertFalse(Blas.singleThreaded(Map.of("OPENBLAS_NUM_THREADS", "2")));
        // OpenBLAS and MKL read their own variable before OMP_NUM_THREADS
        assertFalse(Blas.singleThreaded(Map.of("OPENBLAS_NUM_THREADS", "4", "OMP_NUM_THREADS", "1")));
        assertFalse(Blas.singleThreaded(Map.of("OMP_NUM_THREADS", "2")));
    }

    @Test
    void onlyTunedLibrariesCount() {
        assertTrue(Blas.isTuned("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"));
        assertTrue(Blas.isTuned("/usr/lib/x86_64-linux-gnu/libopenblas.so.0"));
        assertTrue(Blas.isTuned("/opt/intel/oneapi/mkl/latest/lib/intel64/libmkl_rt.so.2"));
        assertTrue(Blas.isTuned("/usr/lib/x86_64-linux-gnu/blis-openmp/libblas.so.3"));
        assertTrue(Blas.isTuned("/usr/lib/x86_64-linux-gnu/atlas/libblas.so.3"));
        // Debian's reference BLAS (libblas3), which made the MLP kernel 5-11x slower than the Java loops
        assertFalse(Blas.isTuned("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0"));
    }
}
