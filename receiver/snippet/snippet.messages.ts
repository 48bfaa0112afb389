/** Texts of the snippet capability. */
export const SnippetMessages = {
  notBuilt: (path: string) =>
    `The browser snippet has not been built (${path} is missing): run "npm run build"`,
} as const;
