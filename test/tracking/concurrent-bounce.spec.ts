import { PageviewEntity, SessionEntity } from '../../receiver/storage/entities';
import { createReceiverApp, type ReceiverApp } from '../support/receiver-app';
import {
  availableEngines,
  createIsolatedDatabase,
  type EngineName,
  type IsolatedDatabase,
} from '../support/services';
import { createProject, dataSourceOf, pageviewBody, testHeaders } from './tracking-fixtures';

const PATH = '/api/track/pageview.php';
const SESSIONS = 40;

// Two receivers write at the same moment only on a server database (SQLite has one writer).
const engines = availableEngines().filter((engine) => engine !== 'sqlite');

(engines.length > 0 ? describe.each(engines) : describe.skip.each<EngineName>(['postgres']))(
  'a session whose pageviews reach two receivers at once [%s]',
  (engine) => {
    let db: IsolatedDatabase;
    let first: ReceiverApp;
    let second: ReceiverApp;

    beforeAll(async () => {
      db = await createIsolatedDatabase(engine);
      first = await createReceiverApp({ adapter: 'fastify', database: db.options });
      second = await createReceiverApp({ adapter: 'fastify', database: db.options });
    }, 60_000);

    afterAll(async () => {
      await first?.close();
      await second?.close();
      await db?.drop();
    });

    it('is not a bounce once both pageviews are stored, whichever batch commits last', async () => {
      const project = await createProject(first.app);
      const headers = testHeaders(project.publicKey);
      // Each session's two pageviews go one to each receiver, all at once: their batches run
      // side by side, and the later one must count the pageview the earlier one committed.
      await Promise.all(
        Array.from({ length: SESSIONS }, (_, i) => {
          const session = { visitor_id: `v-${i}`, session_token: `s-${i}` };
          return Promise.all([
            first.http.post(
              PATH,
              pageviewBody({ ...session, url: `https://shop.example.com/a${i}` }),
              headers,
            ),
            second.http.post(
              PATH,
              pageviewBody({ ...session, url: `https://shop.example.com/b${i}` }),
              headers,
            ),
          ]);
        }),
      );
      const data = dataSourceOf(first.app);
      expect(await data.getRepository(PageviewEntity).countBy({ project_id: project.id })).toBe(
        2 * SESSIONS,
      );
      const sessions = await data.getRepository(SessionEntity).findBy({ project_id: project.id });
      expect(sessions).toHaveLength(SESSIONS);
      expect(sessions.filter((session) => session.is_bounced).map((s) => s.session_token)).toEqual(
        [],
      );
    });
  },
);
