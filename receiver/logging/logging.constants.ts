/** Size at which the log file is rotated (the original engine's 10 MB). */
export const DEFAULT_LOG_FILE_SIZE = '10M';

/** Files kept: the current one and four rotated generations (`.1` … `.4`), as in the original. */
export const DEFAULT_LOG_FILES = 5;
