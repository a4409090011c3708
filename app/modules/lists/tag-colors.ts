/** The colours a catalogued tag may have (Ant Design's preset tag colours). */
export const TAG_COLORS = ['blue', 'green', 'gold', 'orange', 'red', 'purple', 'cyan', 'magenta', 'geekblue', 'default'] as const;
