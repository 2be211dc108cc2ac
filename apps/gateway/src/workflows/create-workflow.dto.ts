import { IsBoundedName, IsStepList } from '@samples/kit';

/** Body of `POST /api/v1/workflows`. */
export class CreateWorkflowDto {
  @IsBoundedName(200)
  name!: string;

  @IsStepList()
  steps!: string[];
}
