/** Texts of the committed-events bus. */
export const EventsMessages = {
  listenerFailed: (reason: string) =>
    `A committed-events listener failed (${reason}); its later failures are not logged again`,
};
