export { createTestPki, type TestPki, type TestPkiOptions, type CertPair } from "./test-pki.js";
