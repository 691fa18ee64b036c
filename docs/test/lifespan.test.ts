// The example test file of the lifespan page, run as it is.
import '../examples/lifespan/test-lifespan';
