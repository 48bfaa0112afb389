import { Module } from '@nestjs/common';
import { SnippetController } from './snippet.controller';
import { SnippetService } from './snippet.service';

/** The browser snippet, mounted at the receiver's root (`/snippet/micrologs.js`). */
@Module({ controllers: [SnippetController], providers: [SnippetService] })
export class SnippetModule {}
