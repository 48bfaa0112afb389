import {
  ERROR_CACHE_INVALIDATOR,
  ErrorCacheInvalidator,
} from '../../receiver/cache/interfaces/error-cache-invalidator.interface';
import { ErrorGroupEntity } from '../../receiver/storage/entities';
import { describeEachAdapter, useReceiverApp } from '../support/receiver-app';
import { createProject, dataSourceOf, testHeaders } from './tracking-fixtures';

/** Records the invalidations the analytics cache receives (the real invalidator, spied on). */
const RecordingInvalidator = { calls: [] as [number, number[] | undefined][] };

describeEachAdapter('analytics cache invalidation by tracking', ({ adapter, engine }) => {
  const receiver = useReceiverApp({ adapter, engine });
  beforeAll(() => {
    const invalidator = receiver.app.get<ErrorCacheInvalidator>(ERROR_CACHE_INVALIDATOR);
    const invalidate = invalidator.invalidateErrors.bind(invalidator);
    jest.spyOn(invalidator, 'invalidateErrors').mockImplementation((projectId, groupIds) => {
      RecordingInvalidator.calls.push([projectId, groupIds]);
      return invalidate(projectId, groupIds);
    });
  });
  beforeEach(() => RecordingInvalidator.calls.splice(0));

  it('drops the errors / errors-trend answers of a project once its error events are stored', async () => {
    const project = await createProject(receiver.app);
    const res = await receiver.http.post(
      '/api/track/error.php',
      { message: 'cache me' },
      testHeaders(project.secretKey),
    );
    expect(res.status).toBe(202);
    expect(RecordingInvalidator.calls).toEqual([[project.id, undefined]]);
  });

  it('drops the error-detail answers of the groups whose status changed', async () => {
    const project = await createProject(receiver.app);
    await receiver.http.post(
      '/api/track/error.php',
      { message: 'x' },
      testHeaders(project.secretKey),
    );
    const group = await dataSourceOf(receiver.app)
      .getRepository(ErrorGroupEntity)
      .findOneByOrFail({ project_id: project.id });
    RecordingInvalidator.calls.splice(0);
    await receiver.http.post(
      '/api/track/errors-update-status.php',
      { id: group.id, status: 'resolved' },
      testHeaders(project.secretKey),
    );
    expect(RecordingInvalidator.calls).toEqual([[project.id, [group.id]]]);
  });

  it('does not invalidate anything for pageviews and audits', async () => {
    const project = await createProject(receiver.app);
    await receiver.http.post(
      '/api/track/audit.php',
      { action: 'a' },
      testHeaders(project.secretKey),
    );
    expect(RecordingInvalidator.calls).toEqual([]);
  });
});
