import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["js/**/*.test.ts"],
    environment: "node",
    // the column and statistic labels a kernel sends (js/labels.fixture.json)
    setupFiles: ["js/test-setup.ts"],
  },
});
