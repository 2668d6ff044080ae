export { AssistantHttpModule } from './assistant/assistant.http.module';
