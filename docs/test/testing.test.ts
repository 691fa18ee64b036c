// The example test file of the testing page, run as it is.
import '../examples/testing/test-main';
