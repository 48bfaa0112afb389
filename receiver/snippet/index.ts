export { SnippetModule } from './snippet.module';
